"""Drawing computation graphs with Graphviz (filled in by the visualisation work)."""
