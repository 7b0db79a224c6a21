import { Button } from "@mantine/core";
import { Link } from "react-router";
import { EmptyState } from "../components/EmptyState";

/** A Console path that no area has. */
export function NotFound() {
  return (
    <EmptyState
      title="Page not found"
      description="There is no page at this address. It may have been moved or deleted."
      action={
        <Button component={Link} to="/">
          Go to the overview
        </Button>
      }
    />
  );
}
