#!/usr/bin/env python3
"""The differential suite: every case runs against `kafka-dash broker` and Apache Kafka,
and their normalised, client-visible results must be equal.

    diff.py --embedded HOST:PORT --kafka HOST:PORT [--only SUBSTRING] [--show]
            [--embedded-secured sasl_plaintext=H:P,sasl_ssl=H:P,ca=FILE --kafka-secured ...]

Both clusters run at the same time, one thread each; a case's topic and group names are
the same on both (a run id keeps them apart from earlier runs and is normalised away).
Prints one line per case and `N cases, M differences`; exits 1 on any difference not
listed in EXPLAINED.
"""
import argparse
import json
import sys
import threading
import time
import traceback

import cases_admin  # noqa: F401  (registers cases)
import cases_consumer_protocol  # noqa: F401
import cases_groups  # noqa: F401
import cases_java  # noqa: F401
import cases_records  # noqa: F401
import cases_sasl  # noqa: F401
import cases_security  # noqa: F401
from harness import CASES, Ctx

# Differences kept on purpose: case name -> why. Each is also in the README's broker
# section. Keep this empty unless Kafka 4 removed something the seed needs.
EXPLAINED = {}


def run_all(bootstrap, run_id, selected, out, label, security=None):
    for name, fn in selected:
        ctx = Ctx(bootstrap, run_id, name, label)
        ctx.security = security
        started = time.monotonic()
        try:
            result = fn(ctx)
        except Exception as e:  # a case that throws is a result too, but a loud one
            result = {"exception": f"{type(e).__name__}: {e}"}
            traceback.print_exc(file=sys.stderr)
        finally:
            ctx.close()
        out[name] = (ctx.normalise(result), time.monotonic() - started)


def secured(spec):
    """`sasl_plaintext=H:P,sasl_ssl=H:P,ca=FILE` as a dict."""
    return dict(part.split("=", 1) for part in spec.split(",")) if spec else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--embedded", required=True)
    ap.add_argument("--kafka", required=True)
    ap.add_argument("--only", default="")
    ap.add_argument("--show", action="store_true", help="print every result")
    ap.add_argument("--embedded-secured", type=secured, help="the secured listeners: sasl_plaintext=H:P,sasl_ssl=H:P,ca=FILE")
    ap.add_argument("--kafka-secured", type=secured)
    args = ap.parse_args()

    run_id = f"{int(time.time()) % 100000:05d}"
    selected = [(n, f) for n, f in CASES if args.only in n]
    results = {"embedded": {}, "kafka": {}}
    threads = [
        threading.Thread(target=run_all, args=(args.embedded, run_id, selected, results["embedded"], "embedded", args.embedded_secured)),
        threading.Thread(target=run_all, args=(args.kafka, run_id, selected, results["kafka"], "kafka", args.kafka_secured)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    differences = unexplained = broken = 0
    for name, _ in selected:
        (a, ta), (b, tb) = results["embedded"][name], results["kafka"][name]
        ja, jb = json.dumps(a, sort_keys=True), json.dumps(b, sort_keys=True)
        if "exception" in ja or "exception" in jb:
            # A case that could not run proves nothing, even when both sides agree.
            broken += 1
            print(f"BROKEN    {name}\n  embedded: {ja}\n  kafka:    {jb}")
            continue
        if ja == jb:
            print(f"same      {name}  ({ta:.1f}s / {tb:.1f}s)")
            if args.show:
                print(f"          {ja}")
            continue
        differences += 1
        why = EXPLAINED.get(name)
        print(f"{'explained' if why else 'DIFFERENT'} {name}" + (f"  ({why})" if why else ""))
        print(f"  embedded: {ja}")
        print(f"  kafka:    {jb}")
        if not why:
            unexplained += 1
    print(f"{len(selected)} cases, {differences} differences ({unexplained} unexplained), {broken} broken")
    sys.exit(1 if unexplained or broken else 0)


if __name__ == "__main__":
    main()
