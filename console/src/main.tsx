import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import { MantineProvider } from "@mantine/core";
import { ModalsProvider } from "@mantine/modals";
import { Notifications } from "@mantine/notifications";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { colorSchemeManager, styleNonce } from "./app/color-scheme";
import { ConsoleRouter } from "./app/routes";
import { theme } from "./app/theme";
import { AuthGate } from "./auth";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <MantineProvider
      theme={theme}
      defaultColorScheme="auto"
      colorSchemeManager={colorSchemeManager}
      getStyleNonce={styleNonce}
    >
      <Notifications />
      <ModalsProvider>
        <AuthGate>
          <ConsoleRouter />
        </AuthGate>
      </ModalsProvider>
    </MantineProvider>
  </StrictMode>,
);
