import { Button, Container, Stack } from "@mantine/core";
import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { ErrorAlert } from "../components/ErrorAlert";
import { PageHeader } from "../components/PageHeader";

/** A page that failed (a thrown error, a page whose code did not load): what happened, a way on. */
export function RouteError() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <Container size="sm" py="xl">
      <Stack>
        <PageHeader title={notFound ? "Page not found" : "This page failed"} />
        {notFound ? null : (
          <ErrorAlert
            error={isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error}
          />
        )}
        <Stack gap="xs" align="flex-start">
          <Button component={Link} to="/" variant="default">
            Go to the overview
          </Button>
          {!notFound && (
            <Button variant="subtle" onClick={() => window.location.reload()}>
              Reload the page
            </Button>
          )}
        </Stack>
      </Stack>
    </Container>
  );
}
