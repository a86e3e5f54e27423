// Draws the dependency map with Cytoscape into an element that Blazor renders and never fills.
// The page calls tollgateGraphs.draw(element, graphJson, dotnetRef) after each render whose graph
// changed, and tollgateGraphs.dispose(element) when it goes. The JSON:
// { "nodes": [ { "id", "label", "kind", "selected"? } ],
//   "edges": [ { "source", "target", "label"?, "width"?, "color"?, "dashed"? } ],
//   "layout"?, "nodeLink"? }.
// Labels are drawn by Cytoscape on a canvas as plain text, never parsed as HTML, on a pale
// background so that an edge passing under a label does not cross out its text. A tapped node is
// handed to .NET (dotnetRef.SelectNode), which updates the address and the node's panel; without a
// reference, it opens nodeLink + the node's id.
(function () {
    var drawn = new Set();

    function elementsOf(graph) {
        var elements = [];
        (graph.nodes || []).forEach(function (n) {
            var data = { id: String(n.id), label: String(n.label ?? n.id), kind: String(n.kind ?? "") };
            if (n.selected === true) {
                data.selected = true;
            }
            elements.push({ group: "nodes", data: data });
        });
        (graph.edges || []).forEach(function (e, i) {
            var data = { id: "e" + i, source: String(e.source), target: String(e.target), label: e.label == null ? "" : String(e.label) };
            if (typeof e.width === "number") {
                data.width = e.width;
            }
            if (typeof e.color === "string" && /^#[0-9a-fA-F]{6}$/.test(e.color)) {
                data.color = e.color;
            }
            if (e.dashed === true) {
                data.dashed = true;
            }
            elements.push({ group: "edges", data: data });
        });
        return elements;
    }

    var style = [
        { selector: "node", style: { "label": "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4, "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": 2, "background-color": "#0d6efd", "width": 18, "height": 18, "text-wrap": "ellipsis", "text-max-width": 160 } },
        { selector: "node[kind = 'agent']", style: { "background-color": "#20c997", "shape": "hexagon", "width": 22, "height": 20 } },
        { selector: "node[kind = 'model']", style: { "background-color": "#6f42c1", "shape": "round-rectangle" } },
        { selector: "node[kind = 'tool']", style: { "background-color": "#198754", "shape": "diamond" } },
        { selector: "node[kind = 'datastore']", style: { "background-color": "#fd7e14", "shape": "barrel" } },
        { selector: "node[?selected]", style: { "border-width": 3, "border-color": "#212529", "font-weight": "bold" } },
        { selector: "edge", style: { "label": "data(label)", "font-size": 9, "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": 1, "curve-style": "bezier", "target-arrow-shape": "triangle", "width": 1.5, "line-color": "#adb5bd", "target-arrow-color": "#adb5bd" } },
        { selector: "edge[width]", style: { "width": "data(width)" } },
        { selector: "edge[color]", style: { "line-color": "data(color)", "target-arrow-color": "data(color)" } },
        { selector: "edge[?dashed]", style: { "line-style": "dashed" } }
    ];

    function destroy(cy) {
        drawn.delete(cy);
        if (!cy.destroyed()) {
            cy.destroy();
        }
    }

    // A graph whose element Blazor has since removed (a period without calls, a page left) is let go
    // too: its element can no longer be handed to dispose.
    function sweep() {
        drawn.forEach(function (cy) {
            var container = cy.container();
            if (!container || !container.isConnected) {
                destroy(cy);
            }
        });
    }

    // Cytoscape is loaded (libraries.js) for the first graph; a graph is drawn once it has arrived,
    // unless a later draw or a dispose of the same element came in the meantime.
    function draw(el, graphJson, dotnetRef) {
        if (!el) {
            return Promise.resolve();
        }
        var request = {};
        el.tollgateGraphRequest = request;
        return window.tollgateLibraries.load("cytoscape").then(function () {
            if (el.tollgateGraphRequest === request) {
                drawNow(el, graphJson, dotnetRef);
            }
        }, function () {
            // Said in place of the map; the edge table below it still lists every call.
            el.textContent = "The map could not be drawn: its script did not load.";
        });
    }

    function drawNow(el, graphJson, dotnetRef) {
        sweep();
        var graph;
        try {
            graph = JSON.parse(graphJson);
        } catch (e) {
            el.textContent = "Graph data could not be read.";
            return;
        }
        if (el.tollgateGraph) {
            destroy(el.tollgateGraph);
        }
        var cy = cytoscape({
            container: el,
            elements: elementsOf(graph),
            layout: { name: graph.layout || "breadthfirst", directed: true, padding: 24, spacingFactor: 1.1 },
            style: style
        });
        var nodeLink = typeof graph.nodeLink === "string" && graph.nodeLink.charAt(0) === "/" ? graph.nodeLink : null;
        if (dotnetRef || nodeLink) {
            cy.on("tap", "node", function (evt) {
                var id = evt.target.id();
                if (dotnetRef) {
                    // A circuit that has gone cannot answer; the page is being left anyway.
                    dotnetRef.invokeMethodAsync("SelectNode", id).catch(function () { });
                } else {
                    window.location.assign(nodeLink + encodeURIComponent(id));
                }
            });
            cy.on("mouseover", "node", function () { el.style.cursor = "pointer"; });
            cy.on("mouseout", "node", function () { el.style.cursor = ""; });
        }
        // Kept on the element so that browser tests can reach the drawn graph, and count its drawings.
        el.tollgateGraph = cy;
        el.dataset.graphDrawn = String(Number(el.dataset.graphDrawn || 0) + 1);
        drawn.add(cy);
    }

    function dispose(el) {
        if (el) {
            delete el.tollgateGraphRequest;
        }
        if (el && el.tollgateGraph) {
            destroy(el.tollgateGraph);
            delete el.tollgateGraph;
            delete el.dataset.graphDrawn;
        }
        sweep();
    }

    window.tollgateGraphs = { draw: draw, dispose: dispose };
})();
