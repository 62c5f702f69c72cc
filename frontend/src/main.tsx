import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { applyTheme, storedTheme } from "./lib/theme";
import "./styles.css";

// Before the first render, so the first paint is already in the chosen theme (no inline script:
// the CSP forbids one).
applyTheme(storedTheme());

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
