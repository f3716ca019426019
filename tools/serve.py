#!/usr/bin/env python3
"""Serves a folder on 127.0.0.1 as the lab wants it: cross-origin isolated, so that the browser gives the page
SharedArrayBuffer and web/lab.js loads the threaded module (docs/threads.md).

The two headers that isolate a page: Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy:
require-corp (everything the lab loads is same-origin, so require-corp blocks nothing). --no-isolation leaves them
out, as a plain static host would: the page then runs its single-thread module. Prints "Serving HTTP on ... port N"
(http.server's line) once it listens; port 0 picks a free one.

usage: tools/serve.py [--port N] [--no-isolation] DIR
"""
import argparse
import functools
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    isolated = True

    def end_headers(self):
        if self.isolated:
            self.send_header('Cross-Origin-Opener-Policy', 'same-origin')
            self.send_header('Cross-Origin-Embedder-Policy', 'require-corp')
        super().end_headers()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('dir', help='the folder to serve, e.g. build-wasm/web')
    parser.add_argument('--port', type=int, default=8000, help='0: any free port (default 8000)')
    parser.add_argument('--no-isolation', action='store_true', help='without the COOP/COEP headers')
    args = parser.parse_args()
    Handler.isolated = not args.no_isolation
    handler = functools.partial(Handler, directory=args.dir)
    with http.server.ThreadingHTTPServer(('127.0.0.1', args.port), handler) as server:
        host, port = server.server_address[:2]
        mode = 'not isolated: one thread' if args.no_isolation else 'cross-origin isolated: threads'
        print(f'Serving HTTP on {host} port {port} (http://{host}:{port}/) ({mode}) ...', flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            sys.exit(0)


if __name__ == '__main__':
    main()
