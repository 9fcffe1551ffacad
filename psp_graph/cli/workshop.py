"""psp workshop: live capture in the room, from a local web server."""

from __future__ import annotations

import click

from psp_graph.cli.common import handle_errors, store_option


@click.command("workshop")
@click.option(
    "--event", metavar="EVENT_ID", help="The workshop's event (psp record event), cited as the source."
)
@click.option("--source", "source_title", metavar="TITLE", help="Or: a source title for everything added.")
@click.option(
    "--layout",
    default="workshop",
    show_default=True,
    metavar="NAME",
    help="Layout that keeps dragged places.",
)
@click.option("--issue", help="Only this issue and its narrower issues, e.g. housing.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="0: any free port."
)
@click.option(
    "--lan", is_flag=True, help="Also serve on the local network, with a short join code for phones."
)
@store_option
@handle_errors
def workshop(
    event: str | None,
    source_title: str | None,
    layout: str,
    issue: str | None,
    port: int,
    lan: bool,
    store: str | None,
) -> None:
    """Serve the map with an edit panel for a live session (loopback only unless --lan).

    Example: psp workshop --event event:housing-round-2 --issue housing --layout round-2
    """
    from psp_graph.maps import MapOptions
    from psp_graph.workshop import WorkshopSession, serve
    from psp_graph.workshop.server import free_port

    options = MapOptions(issue=issue, workshop=True)
    session = WorkshopSession(store, event=event, source=source_title, layout=layout, options=options)
    try:
        session.page()  # draws and saves the layout now, and says so if there is nothing to map
    except BaseException:
        session.close()
        raise
    server = serve(session, port=port or free_port("0.0.0.0" if lan else "127.0.0.1"), lan=lan)  # noqa: S104
    click.echo(f"workshop open at {server.url}")
    if server.join_code:
        from psp_graph.workshop.server import lan_address

        click.echo(f"on the local network: http://{lan_address()}:{server.port}/join/{server.join_code}")
        click.echo(f"join code: {server.join_code}")
    click.echo("every addition cites " + session.source + "; press Ctrl-C to end the session")
    try:
        server.run()
    finally:
        session.close()
