"""Gradio, offline: the settings every page is built under, the port check and the server.

No request leaves the machine: Gradio's analytics and version check are
off (`GRADIO_ANALYTICS_ENABLED=False`, and `analytics_enabled=False` on every
page), Hugging Face Hub telemetry is off and the Hub is offline, the theme
uses the system's fonts (no Google Fonts), server-side rendering (a Node
process) is off, and no share tunnel is ever opened.
"""

import os
import socket
import time

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "blocks", "check_port", "gradio", "launch", "theme"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860

OFFLINE_ENVIRONMENT = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_SSR_MODE": "False",
    "GRADIO_SHARE": "False",
    "GRADIO_MCP_SERVER": "False",
}

SYSTEM_FONTS = ("ui-sans-serif", "system-ui", "sans-serif")
SYSTEM_MONO_FONTS = ("ui-monospace", "monospace")


def gradio():
    """The `gradio` module, imported with the offline settings in the environment.

    Raises:
        ValueError: Gradio is not installed (the message says how to install it).
    """
    os.environ.update(OFFLINE_ENVIRONMENT)
    try:
        import gradio as gr
    except ImportError:
        raise ValueError("kgan explore needs Gradio: pip install \"kgan[explore]\".") from None
    return gr


def theme():
    """Gradio's default theme with the system's fonts, so the page loads no web font."""
    gr = gradio()
    return gr.themes.Default(font=list(SYSTEM_FONTS), font_mono=list(SYSTEM_MONO_FONTS))


def blocks(title):
    """An empty `gradio.Blocks` page titled `title`, analytics off (`with blocks(...) as page:`)."""
    return gradio().Blocks(title=title, analytics_enabled=False)


def check_port(port, host=DEFAULT_HOST):
    """Raises `ValueError` naming `port` unless a server can listen on `host:port` now."""
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise ValueError(f"`port` must be an integer in [1, 65535]; got {port!r}.")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise ValueError(f"`host` {host!r} is not an address of this machine: {error}.") from None
    family, kind, _, _, address = infos[0]
    with socket.socket(family, kind) as probe:
        try:
            probe.bind(address)
        except OSError:
            raise ValueError(f"`port` {port} on {host} is in use (or not allowed); choose "
                             "another `port`.") from None


def launch(app, port=DEFAULT_PORT, host=DEFAULT_HOST, block=True):
    """Serves the page `app` at `http://host:port/`; returns its URL.

    Args:
        app: a `gradio.Blocks`.
        port: the TCP port (checked with `check_port` first).
        host: the address to listen on; the default is this machine only.
        block: serve until interrupted (Ctrl-C, which stops the server and
            returns); `False` returns at once and serves from a thread
            (`app.close()` stops it).
    """
    check_port(port, host)
    app.queue(default_concurrency_limit=1)
    app.launch(server_name=host, server_port=port, share=False, prevent_thread_lock=True,
               quiet=True, show_error=True, ssr_mode=False, theme=theme(), mcp_server=False,
               pwa=False, footer_links=[], enable_monitoring=False, inbrowser=False)
    url = f"http://{host}:{port}/"
    if not block:
        return url
    print(f"kgan explore: serving {url} (Ctrl-C stops it)", flush=True)
    try:
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("kgan explore: stopped", flush=True)
    finally:
        app.close()
    return url
