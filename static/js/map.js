// The relationship map: fetches the graph from the URL in data-map-url and draws it with
// cytoscape. Without JavaScript the page still lists the same contacts in a table.
"use strict";

(() => {
  const CIRCLES = ["inner", "close", "active", "extended", "acquaintance"];
  // The force-directed layout grows quadratically (about 0.5 s for 150 contacts, 2 s for 300
  // and 40 s for 1,000 on a laptop); rings by circle take half a second for 1,000.
  const FORCE_LAYOUT_MAX = 150;

  function cssVar(name, fallback) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function elements(data) {
    const colours = Object.fromEntries(
      CIRCLES.map((circle) => [circle, cssVar(`--map-circle-${circle}`, "#6c757d")]),
    );
    // Ring by ring, colleagues side by side, so that company lines stay short in the rings.
    const sorted = data.nodes.slice().sort(
      (a, b) =>
        CIRCLES.indexOf(a.circle) - CIRCLES.indexOf(b.circle) ||
        a.company.trim().localeCompare(b.company.trim(), undefined, { sensitivity: "base" }) ||
        b.strength - a.strength,
    );
    const nodes = sorted.map((node) => ({
      group: "nodes",
      data: {
        id: String(node.id),
        name: node.name,
        url: node.url,
        strength: node.strength,
        rank: CIRCLES.indexOf(node.circle),
        colour: colours[node.circle] || "#6c757d",
      },
    }));
    const edges = data.edges.map((edge, index) => ({
      group: "edges",
      data: { id: `e${index}`, source: String(edge.source), target: String(edge.target) },
      classes: edge.kind,
    }));
    return nodes.concat(edges);
  }

  function layout(count) {
    if (count <= FORCE_LAYOUT_MAX) {
      return { name: "cose", animate: false, randomize: true, nodeDimensionsIncludeLabels: true };
    }
    // Inner circle at the centre, acquaintances on the outside.
    return {
      name: "concentric",
      animate: false,
      concentric: (node) => CIRCLES.length - node.data("rank"),
      levelWidth: () => 1,
      minNodeSpacing: 4,
    };
  }

  function style() {
    const text = cssVar("--bs-body-color", "#212529");
    const background = cssVar("--bs-body-bg", "#ffffff");
    const line = cssVar("--bs-secondary-color", "#6c757d");
    return [
      {
        selector: "node",
        style: {
          "background-color": "data(colour)",
          width: "mapData(strength, 0, 100, 12, 48)",
          height: "mapData(strength, 0, 100, 12, 48)",
          label: "data(name)",
          color: text,
          "font-size": 11,
          "min-zoomed-font-size": 8,
          "text-valign": "bottom",
          "text-margin-y": 3,
          "text-outline-color": background,
          "text-outline-width": 2,
        },
      },
      {
        selector: "edge",
        style: { width: 1.5, "line-color": line, opacity: 0.6, "curve-style": "straight" },
      },
      {
        selector: "edge.introduced",
        style: {
          "target-arrow-shape": "triangle",
          "target-arrow-color": line,
          "arrow-scale": 0.8,
        },
      },
      { selector: "edge.company", style: { "line-style": "dashed", width: 1 } },
      { selector: "node:active", style: { "overlay-opacity": 0.15 } },
    ];
  }

  function draw(container, data) {
    const large = data.nodes.length > FORCE_LAYOUT_MAX;
    const cy = window.cytoscape({
      container,
      elements: elements(data),
      style: style(),
      layout: layout(data.nodes.length),
      minZoom: 0.1,
      maxZoom: 2,
      // Cheaper panning and zooming for big graphs.
      textureOnViewport: large,
      hideEdgesOnViewport: large,
    });
    cy.on("tap", "node", (event) => window.location.assign(event.target.data("url")));
    cy.on("mouseover", "node", () => container.classList.add("map-pointer"));
    cy.on("mouseout", "node", () => container.classList.remove("map-pointer"));
    return cy;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const panel = document.querySelector("[data-map]");
    if (!panel || typeof window.cytoscape !== "function") return;
    const container = panel.querySelector("[data-map-url]");
    const status = panel.querySelector("[data-map-status]");
    panel.hidden = false;

    fetch(container.dataset.mapUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then((response) => {
        if (!response.ok) throw new Error(`The map data answered ${response.status}.`);
        return response.json();
      })
      .then((data) => {
        status.remove();
        draw(container, data);
        container.dataset.mapReady = "true";
        panel.querySelector("[data-map-hint]").hidden = data.edges.length > 0;
      })
      .catch(() => {
        status.textContent = "The map could not be loaded. The table below lists the same contacts.";
      });
  });
})();
