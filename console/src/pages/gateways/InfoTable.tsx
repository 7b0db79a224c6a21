import { Table, Text } from "@mantine/core";
import type { ReactNode } from "react";

/** A two-column table of labelled values (a definition list for the eye and for screen readers). */
export function InfoTable({ rows, label }: { rows: [string, ReactNode][]; label: string }) {
  return (
    <Table variant="vertical" layout="fixed" withTableBorder aria-label={label}>
      <Table.Tbody>
        {rows.map(([name, value]) => (
          <Table.Tr key={name}>
            <Table.Th w={200}>{name}</Table.Th>
            <Table.Td>{value ?? <Text c="dimmed">—</Text>}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
