#!/usr/bin/env python3
"""A tiny GTK3 drag source for the end-to-end tests.

Usage: drag_source.py FILE X Y

Opens a 160x160 window at (X, Y) whose content offers FILE as `text/uri-list` when dragged,
prints "ready" once the window is on screen, and exits after the drag ends (or after 60 s).
The test then drives the pointer with xdotool: press inside this window, move onto the app's
window in small steps, wait, release. Needs plain Xvfb (no window manager moves windows).
"""

import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402


def main():
    path, x, y = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    uri = GLib.filename_to_uri(path, None)

    window = Gtk.Window(title="CMU Studio e2e drag source")
    window.set_default_size(160, 160)
    window.set_decorated(False)
    window.move(x, y)
    box = Gtk.EventBox()
    box.add(Gtk.Label(label="drag me"))
    window.add(box)

    box.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
    box.drag_source_add_uri_targets()
    box.connect("drag-data-get", lambda _w, _c, data, _i, _t: data.set_uris([uri]))
    box.connect("drag-end", lambda *_: GLib.timeout_add(300, Gtk.main_quit))
    window.connect("destroy", Gtk.main_quit)

    def ready():
        print("ready", flush=True)
        return False

    window.connect("map-event", lambda *_: GLib.timeout_add(300, ready) and False)
    GLib.timeout_add_seconds(60, Gtk.main_quit)
    window.show_all()
    Gtk.main()


if __name__ == "__main__":
    main()
