// Plain HTML, no framework and no build step: give the element a way to get a connect session
// token from your backend (which holds the ads-connect secret key) and listen to its events.
const connect = document.getElementById("connect");
const outcome = document.getElementById("outcome");

connect.getSessionToken = () =>
  fetch("/api/connect-session", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
    .then((res) => res.json())
    .then((body) => body.token);

connect.addEventListener("success", (event) => {
  outcome.dataset.event = "success";
  outcome.textContent = `Connected ${event.detail.account.username} (${event.detail.accounts.length} ad account(s)).`;
});
connect.addEventListener("error", (event) => {
  outcome.dataset.event = "error";
  outcome.textContent = `Not connected: ${event.detail.code}.`;
});
connect.addEventListener("close", (event) => {
  outcome.dataset.event = "close";
  outcome.textContent = `Closed (${event.detail.reason}).`;
});
