"""The ``newsdesk`` command.

Language-core commands run without Django (usable on a laptop with no database)::

    newsdesk extract --html page.html [--url URL]
    newsdesk cluster --in articles.jsonl --out stories.jsonl
    newsdesk brief   --in articles.jsonl --out briefs.jsonl [--sentences N | --words N]
    newsdesk tag     --in articles.jsonl --out tags.jsonl

Everything else is a Django management command run with newsdesk's settings (``run``,
``feeds``, ``ingest``, ``status``, ``worker``, ``demo`` and Django's own), see ``commands.py``.
"""

from __future__ import annotations

import argparse
import os
import sys

CORE_COMMANDS = ("extract", "cluster", "brief", "tag")

OVERVIEW = """\
usage: newsdesk COMMAND [options]     (newsdesk COMMAND --help for each)

Run newsdesk:
  demo                 run everything on the bundled demo outlets (no internet needed)
  run                  web server + task worker + feed scheduler, the embedded default
  worker               a task worker only (add more of them on PostgreSQL)
  ingest               one ingest pass now: fetch feeds, extract articles, group, brief, tag
  status               feeds, work waiting, the task queue, last and next pass, stories
  feeds add URL        subscribe to a feed (or a page that links one); it is checked once
  feeds list           what you follow and how each feed is doing
  feeds import-opml F  subscribe to an OPML file   feeds export-opml [F]
  moderators add NAME  let a reader account moderate comments (--editors: correct stories)

Language core, JSON Lines in and out (no database needed):
  extract --html FILE [--url URL]          print an article page's text
  cluster --in A.jsonl --out B.jsonl       group articles into stories (streamed by date)
  brief   --in A.jsonl --out B.jsonl       a headline and brief per story
  tag     --in A.jsonl --out B.jsonl       tags and entity spans

The database is created and brought up to date on first use. Django's management commands
work too: newsdesk createsuperuser, newsdesk migrate, newsdesk help (lists them all).
"""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    if not argv or argv[0] in ("-h", "--help"):
        print(OVERVIEW)
        return 0
    if argv[0] in CORE_COMMANDS:
        return run_core_command(argv)
    if argv[0] == "demo":
        # The demo keeps its own database, away from the outlets a user really follows.
        os.environ.setdefault("NEWSDESK_DATA_DIR", os.path.join("data", "demo"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.project.settings")
    from newsdesk.commands import run_django_command

    return run_django_command(argv, OVERVIEW)


def run_core_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="newsdesk", description="newsdesk's language core.")
    commands = parser.add_subparsers(dest="command", required=True)

    extract = commands.add_parser("extract", help="print the article text of an HTML page")
    extract.add_argument("--html", required=True, help="the page's HTML file (- for stdin)")
    extract.add_argument("--url", default="", help="the page's URL, which helps extraction")

    for name, description in (
        (
            "cluster",
            "group articles into stories, streamed in published order; output lines: {id, story}",
        ),
        (
            "brief",
            "one brief per story (lines sharing 'story'); output lines: "
            "{story, headline, sentences: [{text, sources: [{id, sentence_index}]}], only_in, "
            "earlier}",
        ),
        (
            "tag",
            "tags per article (or per story when lines carry 'story'); output lines: "
            "{id|story, tags: [{name, kind}], entities}",
        ),
    ):
        command = commands.add_parser(name, help=description, description=description)
        command.add_argument("--in", dest="input", default="-", help="JSON Lines input (- stdin)")
        command.add_argument(
            "--out", dest="output", default="-", help="JSON Lines output (- stdout)"
        )
        if name == "brief":
            length = command.add_mutually_exclusive_group()
            length.add_argument("--sentences", type=int, default=None, help="sentences per brief")
            length.add_argument("--words", type=int, default=None, help="word budget per brief")
            command.add_argument(
                "--llm-url",
                default=os.environ.get("NEWSDESK_LLM_URL", ""),
                help="an OpenAI-compatible endpoint (e.g. http://127.0.0.1:11434/v1 for "
                "Ollama); its briefs pass the faithfulness gate or fall back "
                "(default: $NEWSDESK_LLM_URL, off)",
            )
            command.add_argument("--llm-model", default=os.environ.get("NEWSDESK_LLM_MODEL", ""))
            command.add_argument(
                "--llm-timeout", type=float, default=None, help="seconds per LLM request"
            )

    args = parser.parse_args(argv)
    if args.command == "extract":
        return _extract(args)

    from newsdesk import limits
    from newsdesk.core import jsonl

    try:
        with jsonl.open_in(args.input) as source:
            articles = list(jsonl.read_articles(source))
    except (OSError, jsonl.InputError) as error:
        print(f"newsdesk {args.command}: {error}", file=sys.stderr)
        return 2
    if args.command == "cluster":
        records = jsonl.cluster_records(articles)
    elif args.command == "brief":
        sentences = args.sentences or (1000 if args.words else limits.BRIEF_SENTENCES)
        records = jsonl.brief_records(articles, sentences, args.words, _llm_config(args))
    else:
        records = jsonl.tag_records(articles)
    count = jsonl.write_records(records, args.output)
    if args.output != "-":
        print(
            f"newsdesk {args.command}: {len(articles)} in, {count} out -> {args.output}",
            file=sys.stderr,
        )
    return 0


def _llm_config(args: argparse.Namespace):
    from newsdesk.core.llm import LLMConfig

    if not args.llm_url:
        return None
    if not args.llm_model:
        raise SystemExit("newsdesk brief: --llm-url needs --llm-model (or NEWSDESK_LLM_MODEL)")
    config = LLMConfig(
        base_url=args.llm_url,
        model=args.llm_model,
        # The key comes from the environment only: a command line is visible in `ps`.
        api_key=os.environ.get("NEWSDESK_LLM_KEY", ""),
    )
    if args.llm_timeout:
        from dataclasses import replace

        config = replace(config, timeout_seconds=args.llm_timeout)
    return config


def _extract(args: argparse.Namespace) -> int:
    from newsdesk.ingest.extract import ExtractionError, extract_text

    try:
        data = sys.stdin.buffer.read() if args.html == "-" else open(args.html, "rb").read()
        print(extract_text(data, args.url))
    except OSError as error:
        print(f"newsdesk extract: cannot read {args.html}: {error.strerror}", file=sys.stderr)
        return 2
    except ExtractionError as error:
        print(f"newsdesk extract: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
