"""psp generate: a made-up graph of any size, to a file or straight into a store."""

from __future__ import annotations

import json
from pathlib import Path

import click

from psp_graph.cli.common import handle_errors, open_graph, store_option


@click.command()
@click.option("--actors", type=click.IntRange(1, 10_000_000), required=True, help="How many actors.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same graph.")
@click.option(
    "--links-per-actor",
    type=click.FloatRange(0, 1000),
    default=10.0,
    show_default=True,
    help="About this many links per actor.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    default=None,
    help="Write a file that 'psp load' reads (.json or .yaml) instead of writing to the store.",
)
@store_option
@handle_errors
def generate(actors: int, seed: int, links_per_actor: float, output: str | None, store: str | None) -> None:
    """Make up a realistic graph: heavy-tailed funding, issue clusters, few seats,
    lived-experience groups involved mostly at low rungs. Every record is marked
    illustrative and cites src:generated.

    Without -o it goes straight into the store, in one change set.

    Example: psp generate --actors 1000 --seed 7 -o generated.json
    """
    from psp_graph.generate import generate_graph, input_records

    nodes, links = generate_graph(actors, links_per_actor, seed)
    if output is not None:
        path = Path(output)
        if path.suffix.lower() not in {".json", ".yaml", ".yml"}:
            raise click.ClickException(f"{output}: write .json or .yaml (a file 'psp load' reads)")
        sections: dict[str, list[object]] = {}
        for section, record in input_records(nodes, links):
            sections.setdefault(section, []).append(record)
        with path.open("w", encoding="utf-8") as out:
            if path.suffix.lower() == ".json":
                json.dump(sections, out, ensure_ascii=False, indent=None)
            else:
                import yaml

                yaml.safe_dump(sections, out, allow_unicode=True, sort_keys=False)
        click.echo(f"{output}: {len(nodes):,} nodes and {len(links):,} links (seed {seed})")
        return
    with open_graph(store) as graph:
        graph.initialise()
        records = [n for n in nodes if "Issue" not in n.labels] + links
        created, updated, unchanged = graph.copy_records(records, f"generate {actors} actors, seed {seed}")
    click.echo(f"{created:,} created, {updated:,} updated, {unchanged:,} unchanged (seed {seed})")
