// Woonbrug dashboard: small conveniences only; every page works without this script.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Filter forms marked .auto-submit reload the page when a selection changes.
  for (const form of document.querySelectorAll("form.auto-submit")) {
    for (const select of form.querySelectorAll("select")) {
      select.addEventListener("change", () => form.requestSubmit());
    }
  }
  // A replay goes to a vendor's system: ask once more before sending it.
  for (const form of document.querySelectorAll("form.replay")) {
    form.addEventListener("submit", (event) => {
      const id = form.action.split("/").slice(-2, -1)[0];
      if (!window.confirm(`Bericht #${id} opnieuw versturen?`)) {
        event.preventDefault();
      }
    });
  }
  // After a replay, bring its message into view.
  const notice = document.getElementById("melding");
  if (notice) {
    notice.scrollIntoView({ block: "center" });
  }
});
