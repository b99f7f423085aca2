// Asks before a destructive form is sent (revoke a token, end a session). The form carries the
// question in data-confirm; without JavaScript the form is sent directly.
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
