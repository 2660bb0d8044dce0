// The interactive topology: fetches the graph JSON of the page's view and draws it with Cytoscape.js.
// Purdue view: positions come from the server (bands by level). Zones view: zone boxes laid out by fcose.
// Labels are set as Cytoscape data and drawn on a canvas, never inserted as HTML.
import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";

cytoscape.use(fcose);

const STYLE = [
  { selector: "node", style: { label: "data(label)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 4,
      "background-color": "#1565c0", width: 18, height: 18, color: "#263238" } },
  { selector: "node[kind = 'asset']", style: { "background-color": "#78909c", shape: "round-rectangle", width: 12, height: 12 } },
  { selector: "node[count]", style: { width: "mapData(count, 1, 5000, 22, 70)", height: "mapData(count, 1, 5000, 22, 70)",
      "background-color": "#26a69a" } },
  { selector: "node[group = 'band']", style: { shape: "rectangle", "background-opacity": 0, "font-size": 14,
      "font-weight": "bold", "text-valign": "center", color: "#607d8b", events: "no" } },
  { selector: ":parent", style: { "background-color": "#eceff1", "border-color": "#90a4ae", "border-width": 1,
      "text-valign": "top", "font-weight": "bold", shape: "round-rectangle" } },
  { selector: "edge", style: { width: "mapData(count, 1, 1000, 1, 6)", "line-color": "#b0bec5", "curve-style": "bezier",
      "target-arrow-shape": "triangle", "target-arrow-color": "#b0bec5", "arrow-scale": 0.7, label: "data(label)", "font-size": 8 } },
  { selector: "edge[?conduit]", style: { "line-color": "#ef6c00", "target-arrow-shape": "none", "line-style": "dashed", width: 3 } },
  { selector: "node:selected", style: { "border-width": 3, "border-color": "#ff6f00" } },
];

function statusLine(text) {
  const status = document.getElementById("graph-status");
  if (status) status.textContent = text;
}

async function main() {
  const box = document.getElementById("topology");
  if (!box) return;
  const response = await fetch(box.dataset.graphUrl, { credentials: "same-origin" });
  if (response.status === 202) { statusLine("The model is being analysed; reload in a moment."); return; }
  if (!response.ok) { statusLine(`The graph could not be loaded (HTTP ${response.status}).`); return; }
  const graph = await response.json();
  const grouping = graph.view === "purdue" ? "site and Purdue level" : "zone (or site)";
  statusLine(graph.aggregated
    ? `${graph.endpoints} endpoints and ${graph.flows} flows, grouped by ${grouping} (more than ${graph.threshold} endpoints); click a group to open it.`
    : `${graph.endpoints} endpoints, ${graph.flows} flows.`);
  const layout = graph.view === "purdue"
    ? { name: "preset", fit: true, padding: 30 }
    : { name: "fcose", animate: false, randomize: true, nodeRepulsion: 6000, idealEdgeLength: 90, padding: 30 };
  const cy = cytoscape({
    container: box,
    elements: { nodes: graph.nodes, edges: graph.edges },
    style: STYLE,
    layout,
    wheelSensitivity: 0.3,
    minZoom: 0.05,
    maxZoom: 4,
  });
  cy.on("tap", "node, edge", (event) => {
    const url = event.target.data("url");
    if (url && url.startsWith("/")) window.location.assign(url);
  });
  box.dataset.ready = "true";
  window.plantarchTopology = cy;
}

main().catch((error) => statusLine(`The graph could not be drawn: ${error}`));
