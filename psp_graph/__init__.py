"""psp-graph: the Power Sharing Project knowledge graph.

Who holds power, money and decision seats in civil society, who is affected,
and where people with lived experience are left out.

The main entry point is :class:`psp_graph.graph.Graph`; ``psp`` is the CLI.
Importing this package is cheap: heavy libraries load when first used.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
