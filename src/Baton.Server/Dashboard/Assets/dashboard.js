// Live updates for the server-rendered dashboard: follow the event stream and re-render the page's #live region
// (fetched afresh from the server) a moment after each event. No page state lives here.
(() => {
  "use strict";

  const login = document.getElementById("login-form");
  if (login && location.hash.startsWith("#token=")) {
    // baton up prints a URL whose fragment (never sent to the server or logged) carries the session token.
    login.querySelector("#token").value = decodeURIComponent(location.hash.slice(7));
    history.replaceState(null, "", location.pathname + location.search);
    login.submit();
    return;
  }

  document.addEventListener("click", (event) => {
    const node = event.target.closest("svg.baton-graph g.node[data-address]");
    const graph = event.target.closest(".graph[data-stack]");
    if (node && graph) {
      location.href = "/stacks/" + encodeURIComponent(graph.dataset.stack) + "/resources/" + node.dataset.address;
    }
  });

  const live = document.getElementById("live");
  if (!live || !window.EventSource) {
    return;
  }

  const indicator = document.createElement("div");
  indicator.id = "live-indicator";
  indicator.textContent = "live";
  document.body.appendChild(indicator);

  const stack = live.dataset.liveStack;
  const source = new EventSource("/api/events/stream" + (stack ? "?stack=" + encodeURIComponent(stack) : ""));
  let timer = null;
  let busy = false;
  let again = false;

  async function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      const response = await fetch(location.href, { credentials: "same-origin", headers: { "X-Baton-Refresh": "1" } });
      if (response.ok) {
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.getElementById("live");
        const current = document.getElementById("live");
        const active = document.activeElement;
        const typing = active && current.contains(active) && (active.tagName === "INPUT" || active.tagName === "SELECT");
        if (fresh && current && !typing) {
          current.replaceWith(fresh);
          document.dispatchEvent(new CustomEvent("baton:refreshed"));
        }
      }
    } finally {
      busy = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  }

  // Whatever happened between rendering this page and subscribing was never sent: catch up once connected (and
  // again after each reconnect).
  source.onopen = () => {
    indicator.classList.add("on");
    schedule();
  };
  source.onerror = () => indicator.classList.remove("on");
  source.onmessage = schedule;
  source.addEventListener("gap", schedule);
})();
