import { Center, Loader } from "@mantine/core";

/** Shown while a page's code or data loads. */
export function PageLoader() {
  return (
    <Center py="xl">
      <Loader aria-label="Loading" />
    </Center>
  );
}
