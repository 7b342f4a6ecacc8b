"""Python `requests` side of astro-bench's per-call comparison.

Usage: requests_loop.py URL TOKEN EXPECTED_ITEMS ITEMS_PROPERTY

Keeps one `requests.Session` (connection kept alive) for the whole run. Reads a call count per
line on stdin, makes that many GETs (each status checked and body decoded with `.json()`), and
prints the batch's calls per second (wall time) and the process's CPU seconds per call on
stdout, separated by a space. Ends at end of input.
"""

import sys
import time

import requests


def main() -> None:
    url, token, expected, prop = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + token
    for line in sys.stdin:
        count = int(line)
        start = time.perf_counter()
        cpu = time.process_time()
        for _ in range(count):
            response = session.get(url)
            response.raise_for_status()
            if len(response.json()[prop]) != expected:
                raise SystemExit("unexpected page size")
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
        print(count / elapsed, cpu / count, flush=True)


if __name__ == "__main__":
    main()
