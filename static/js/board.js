// board.js: drag and drop on the workflow board, and putting a card back in
// its column after htmx swaps it. Loaded with `defer`; no inline script (the
// Content-Security-Policy forbids it) and no eval.
//
// Dropping a card submits the card's own "Move to…" form (to, version): the
// very form a keyboard or screen-reader user submits, so the server checks
// both the same way and the page works without this script. With htmx the
// form posts in the background and the answer (the card as it now stands,
// with a notice on a refusal or a conflict) replaces the card; this script
// then moves it into the column its status names.
(function () {
  "use strict";

  let dragged = null;

  function cardOf(node) {
    return node instanceof Element ? node.closest(".board-card") : null;
  }

  function columnOf(node) {
    return node instanceof Element ? node.closest(".column") : null;
  }

  // The columns this card may be dropped on: its data-moves, from the
  // server's inventory.MovesFor.
  function allowed(card, column) {
    if (!card || !column) return false;
    const moves = (card.dataset.moves || "").split(" ");
    return moves.includes(column.dataset.status) && sameLane(card, column);
  }

  // With swimlanes a card stays in its lane: the lane is its category or
  // path, which a move does not change.
  function sameLane(card, column) {
    const from = columnOf(card);
    return !from || (from.dataset.lane || "") === (column.dataset.lane || "");
  }

  function columns() {
    return document.querySelectorAll(".column[data-status]");
  }

  function clearHighlights() {
    columns().forEach(function (col) {
      col.classList.remove("drop-ok", "drop-no");
    });
  }

  document.addEventListener("dragstart", function (ev) {
    const card = cardOf(ev.target);
    if (!card || card.getAttribute("draggable") !== "true") return;
    dragged = card;
    card.classList.add("dragging");
    ev.dataTransfer.effectAllowed = "move";
    ev.dataTransfer.setData("text/plain", card.dataset.account || "");
    columns().forEach(function (col) {
      if (col === columnOf(card)) return;
      col.classList.add(allowed(card, col) ? "drop-ok" : "drop-no");
    });
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearHighlights();
  });

  document.addEventListener("dragover", function (ev) {
    const col = columnOf(ev.target);
    if (dragged && col && col !== columnOf(dragged) && allowed(dragged, col)) {
      ev.preventDefault(); // accept the drop
      ev.dataTransfer.dropEffect = "move";
    }
  });

  document.addEventListener("drop", function (ev) {
    const col = columnOf(ev.target);
    const card = dragged;
    if (!card || !col || !allowed(card, col)) return;
    ev.preventDefault();
    const form = card.querySelector("form.move-form");
    const select = form && form.querySelector("select[name=to]");
    if (!select) return;
    select.value = col.dataset.status;
    clearHighlights();
    // A move to Blocked needs its reason: the card's form shows the field
    // for it (board.css), and the person submits once they have said why.
    const reason = form.querySelector("input[name=reason]");
    if (col.dataset.status === "blocked" && reason && reason.value.trim() === "") {
      reason.focus();
      return;
    }
    form.requestSubmit();
  });

  // Folding a column is remembered (the server renders the board folded
  // the same way next time): the folded statuses, in the cookie
  // board_folded, "-" for none.
  document.addEventListener("toggle", function (ev) {
    const col = ev.target;
    if (!(col instanceof HTMLDetailsElement) || !col.classList.contains("column")) return;
    const folded = new Set();
    document.querySelectorAll("details.column[data-status]").forEach(function (c) {
      if (c.dataset.lane === col.dataset.lane && !c.open) folded.add(c.dataset.status);
    });
    document.cookie = "board_folded=" + (Array.from(folded).join(".") || "-") +
      "; path=/board; max-age=31536000; samesite=lax";
  }, true);

  // On a phone the board's filters fold away behind their summary, unless
  // one is in use.
  function foldFilters() {
    const wrap = document.querySelector("details.filters-wrap");
    if (!wrap || !window.matchMedia("(max-width: 700px)").matches) return;
    const used = Array.from(wrap.querySelectorAll("select, input[type=search]")).some(function (el) {
      return el.value !== "" && el.name !== "lane";
    }) || Array.from(wrap.querySelectorAll("input[type=checkbox]")).some(function (el) { return el.checked; });
    if (!used) wrap.open = false;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", foldFilters);
  } else {
    foldFilters();
  }

  function adjustCount(col, delta) {
    const badge = col && col.querySelector(".count");
    if (!badge) return;
    const total = Math.max(0, parseInt(badge.dataset.total || "0", 10) + delta);
    badge.dataset.total = String(total);
    badge.textContent = total.toLocaleString("en-US");
    badge.setAttribute("aria-label", total + " cards");
  }

  // After a swap, every card whose status differs from its column's goes
  // to the top of the right column of its lane, and both counts follow.
  function settle() {
    document.querySelectorAll(".board-card[data-status]").forEach(function (card) {
      const from = columnOf(card);
      if (!from || from.dataset.status === card.dataset.status) return;
      const lane = from.dataset.lane || "";
      let to = null;
      columns().forEach(function (col) {
        if (col.dataset.status === card.dataset.status && (col.dataset.lane || "") === lane) to = col;
      });
      adjustCount(from, -1);
      if (!to) {
        card.remove(); // its column is not on this page
        return;
      }
      adjustCount(to, +1);
      to.querySelector(".cards").prepend(card);
      const link = card.querySelector(".card-title");
      if (link && card.querySelector("[role=alert]") === null) link.focus();
    });
  }

  document.addEventListener("htmx:afterSettle", settle);

  // Ticking a card for a bulk edit opens the bulk form, so the person sees
  // what they are about to change.
  document.addEventListener("change", function (ev) {
    const box = ev.target;
    if (!(box instanceof HTMLInputElement) || !box.classList.contains("card-select") || !box.checked) return;
    const bulk = document.querySelector("details.bulk-wrap");
    if (bulk) bulk.open = true;
  });

  // An answer htmx does not swap (a 404, a 500, the network) still gets a
  // sentence where the person is looking.
  document.addEventListener("htmx:responseError", function (ev) {
    flash("The change could not be made (" + ev.detail.xhr.status + "). Reload the page and try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    flash("The server could not be reached. Check the connection and try again.");
  });

  function flash(text) {
    let box = document.getElementById("flash");
    if (!box) {
      box = document.createElement("div");
      box.id = "flash";
      box.setAttribute("aria-live", "polite");
      const main = document.getElementById("main");
      if (!main) return;
      main.prepend(box);
    }
    const p = document.createElement("p");
    p.className = "notice tone-bad";
    p.setAttribute("role", "alert");
    p.textContent = text;
    box.replaceChildren(p);
  }
})();
