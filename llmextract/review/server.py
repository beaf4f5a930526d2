"""The review page: a small Starlette app over one run folder, for one reviewer.

Safety, like a notebook server: bound to 127.0.0.1 only, on a free port, and every request
(page, static file, API) must carry the random token printed at start, in the URL or in the
``X-Review-Token`` header; without it the answer is 403. Only the Host names 127.0.0.1 and
localhost are served (no DNS rebinding), and a request that changes anything (POST) is refused
when its ``Origin`` is another site's, even with the token (a leaked URL opened by another
page cannot decide for the reviewer); a client that sends no Origin (curl, a script) needs only
the token. Article text only ever reaches the page through
autoescaped templates, and the Content-Security-Policy allows no inline script, so an article
containing ``<script>`` shows it as text. The token never leaves in a Referer (no-referrer).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import sys
import threading
import typing
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
)
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from llmextract.dataset.decisions import Action, Decision
from llmextract.dataset.reviewed import (
    ITEM_MODELS,
    STATUS_FILTERS,
    Entry,
    Review,
    RunView,
    filter_entries,
)
from llmextract.dataset.sampling import draw_sample, estimate, record_estimate
from llmextract.errors import UsageError
from llmextract.models import ArticleRecord, Severity, Span, TargetKind
from llmextract.review.actions import (
    READ_ONLY_FIELDS,
    CorrectionRefused,
    add_item,
    correct_item,
    decide,
)
from llmextract.review.evidence import (
    arithmetic_marks,
    article_marks,
    flag_numbers,
    highlight,
    nearby_numbers,
)
from llmextract.review.templating import HERE, templates
from llmextract.store import require_run_dir

STATIC_FILES = {"review.js": "text/javascript", "review.css": "text/css"}
QUEUE_WINDOW = 300  # queue lines listed around the current one on very large runs
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'none'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
FILTERS = ("article", "kind", "status")
VIEWS = {
    "queue": "Flagged",  # what the checks flagged, and what people decided
    "all": "All items",  # every item of the run, article by article
    "sample": "Sample",  # a random sample of unflagged items, judged to estimate precision
}
DEFAULT_SAMPLE = 3  # unflagged items drawn per article


class OriginGate:
    """Refuse a POST whose Origin is not this server (checked on top of the token)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            request = Request(scope)
            origin = request.headers.get("origin")
            host = request.headers.get("host", "")
            if origin is not None and origin not in (f"http://{host}",):
                refused = PlainTextResponse(
                    "forbidden: this request comes from another site\n", status_code=403
                )
                await refused(scope, receive, send)
                return
        await self.app(scope, receive, send)


class TokenGate:
    """Refuse every request that does not carry the token."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app, self.token = app, token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            given = request.query_params.get("token") or request.headers.get("x-review-token", "")
            if not secrets.compare_digest(given.encode(), self.token):
                refused = PlainTextResponse(
                    "forbidden: open the URL with the token printed by `llmextract review`\n",
                    status_code=403,
                )
                await refused(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _input_kind(annotation: Any) -> str:
    args = set(typing.get_args(annotation)) or {annotation}
    if bool in args:
        return "checkbox"
    if TargetKind in args:
        return "select"
    if args & {float, int}:
        return "number"
    return "text"


def edit_fields(kind: str, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The correction form of an item type: one input per editable field."""
    return [
        {
            "name": name,
            "input": "textarea" if name == "quote" else _input_kind(info.annotation),
            "value": values.get(name),
            "options": [k.value for k in TargetKind],
        }
        for name, info in ITEM_MODELS[kind].model_fields.items()
        if name not in READ_ONLY_FIELDS
    ]


def changes(decision: Decision) -> list[tuple[str, Any, Any]]:
    """The fields a decision changed: (name, before, after)."""
    if decision.after is None:
        return []
    before = decision.before or {}
    return [
        (k, before.get(k), v)
        for k, v in decision.after.items()
        if k not in READ_ONLY_FIELDS and before.get(k) != v
    ]


def _neighbours(queue: list[Entry], entry: Entry | None) -> dict[str, Entry | None]:
    keys = [e.key for e in queue]
    pos = keys.index(entry.key) if entry and entry.key in keys else -1
    after = queue[pos + 1 :] + queue[: max(pos, 0)]
    return {
        "prev": queue[pos - 1] if pos > 0 else None,
        "next": queue[pos + 1]
        if 0 <= pos < len(queue) - 1
        else (queue[0] if pos < 0 and queue else None),
        "next_open": next((e for e in after if not e.settled), None),
    }


def article_name(record: ArticleRecord) -> str:
    """An article as a queue row names it: its title, else its file name."""
    return record.title or Path(record.source_path).name


def listing(view: RunView, review: Review, mode: str) -> list[Entry]:
    """The entries a view lists: the queue, every item, or the items of the latest sample."""
    if mode == "all":
        return review.every_entry()
    if mode == "sample":
        sample = view.store.latest_sample()
        drawn = set(sample.item_ids) if sample else set()
        return [e for e in review.every_entry() if e.key in drawn]
    return list(review.entries)


def render_page(
    view: RunView, token: str, reviewer: str, key: str | None, filters: dict[str, str | None],
    mode: str = "queue",
) -> str:
    review = view.review()
    mode = mode if mode in VIEWS else "queue"
    queue = filter_entries(listing(view, review, mode), **filters)
    entry = (review.entry(key) if key else None) or next(
        (e for e in queue if not e.settled), queue[0] if queue else None
    )

    def url(entry_key: str | None = None, to_view: str | None = None) -> str:
        params = {"token": token, **filters, "view": to_view or mode, "key": entry_key}
        if params["view"] == "queue":
            params["view"] = None
        return "/?" + urlencode({k: v for k, v in params.items() if v})

    sample = view.store.latest_sample()

    context: dict[str, Any] = {
        "run_name": view.run_dir.name,
        "token": token,
        "reviewer": reviewer,
        "filters": filters,
        "counts": review.counts(),
        "queue": _window(queue, entry),
        "queue_total": len(queue),
        "entry": entry,
        "url": url,
        "status_filters": STATUS_FILTERS,
        "kinds": sorted({k for e in review.entries for k in e.kinds}),
        "articles": review.records,
        "article_name": article_name,
        "mode": mode,
        "views": VIEWS,
        "sample": sample,
        "estimate": estimate(review, sample) if sample else None,
        "default_sample": DEFAULT_SAMPLE,
        **_neighbours(queue, entry),
        "open_by_severity": [
            (sev.value, sum(e.severity is sev for e in queue if not e.settled)) for sev in Severity
        ],
    }
    if entry is not None:
        context.update(_entry_context(view, review, entry))
    return templates().get_template("review.html").render(context)


def _window(queue: list[Entry], entry: Entry | None) -> list[Entry]:
    pos = next((n for n, e in enumerate(queue) if entry and e.key == entry.key), 0)
    start = max(0, pos - QUEUE_WINDOW // 3)
    return queue[start : start + QUEUE_WINDOW]


def _entry_context(view: RunView, review: Review, entry: Entry) -> dict[str, Any]:
    record = entry.record
    focus = [s for f in entry.flags for s in f.spans]
    item = entry.reviewed.item if entry.reviewed else None
    around = focus or ([item.span] if item and item.span else [])
    values = item.model_dump(mode="json") if item else {}
    original = entry.reviewed.original if entry.reviewed else None
    was = original.model_dump(mode="json") if original else values
    history = view.store.history(entry.key)
    if entry.reviewed is None:  # an item added to settle this flag belongs to its history
        history += [d for d in view.store.all() if entry.key in d.flag_ids and d.key != entry.key]
    return {
        "record": record,
        "chunks": highlight(
            record.text,
            article_marks(
                [ri for ri in review.items if ri.record.id == record.id],
                current=item.id if item else None,
                focus=focus,
            )
            + arithmetic_marks(record.text, entry.flags),
        ),
        "flag_numbers": {f.id: flag_numbers(record.text, f) for f in entry.flags},
        "nearby": nearby_numbers(record.text, around),
        "fields": [(k, v, was.get(k)) for k, v in values.items() if k not in READ_ONLY_FIELDS],
        "edit": edit_fields(entry.reviewed.item_type, values) if entry.reviewed else [],
        "add_fields": [
            "name",
            "value_text",
            "value",
            "unit",
            "period",
            "population",
            "deadline_year",
            "quote",
        ],
        "history": sorted(history, key=lambda d: d.seq),
        "changes": changes,
        "rechecked": bool(entry.reviewed and entry.reviewed.rechecked),
        "run_flags": entry.reviewed.run_flags if entry.reviewed else entry.flags,
    }


def _flags_json(flags: list[Any]) -> list[dict[str, Any]]:
    return [{"kind": f.kind, "severity": f.severity.value, "message": f.message} for f in flags]


def create_app(run_dir: Path, token: str, reviewer: str) -> Starlette:
    """The review app for one run folder; every request needs ``token``."""
    require_run_dir(run_dir)
    if len(token) < 16:
        raise UsageError("the review token must be at least 16 characters")
    view = RunView(run_dir)

    async def page(request: Request) -> Response:
        q = request.query_params
        filters = {k: q.get(k) or None for k in FILTERS}
        html = await run_in_threadpool(
            render_page, view, token, reviewer, q.get("key"), filters, q.get("view") or "queue"
        )
        return HTMLResponse(html)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC_FILES:
            return PlainTextResponse("not found\n", status_code=404)
        return FileResponse(HERE / "static" / name, media_type=STATIC_FILES[name])

    async def queue(request: Request) -> Response:
        q = request.query_params
        review = await run_in_threadpool(view.review)
        listed = await run_in_threadpool(listing, view, review, q.get("view") or "queue")
        entries = filter_entries(listed, **{k: q.get(k) or None for k in FILTERS})
        return JSONResponse(
            {
                "counts": review.counts(),
                "entries": [
                    {
                        "key": e.key,
                        "article_id": e.record.id,
                        "status": e.status,
                        "severity": e.severity.value if e.severity else None,
                        "label": e.label,
                        "value_text": e.value_text,
                        "article": article_name(e.record),
                        "reason": e.reason,
                        "flags": [f.id for f in e.flags],
                        "kinds": e.kinds,
                    }
                    for e in entries
                ],
            }
        )

    def api(action: Callable[[dict[str, Any]], Decision]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            try:
                payload = json.loads(await request.body() or b"{}")
            except ValueError:
                payload = None
            if not isinstance(payload, dict):
                return JSONResponse({"error": "the request body must be a JSON object"}, 400)
            try:
                decision = await run_in_threadpool(action, payload)
                await run_in_threadpool(record_estimate, run_dir)  # run.json stays current
            except CorrectionRefused as exc:
                return JSONResponse({"error": str(exc), "flags": _flags_json(exc.flags)}, 422)
            except UsageError as exc:
                return JSONResponse({"error": str(exc), "flags": []}, 422)
            return JSONResponse({"ok": True, "seq": decision.seq, "key": decision.key})

        return endpoint

    def _decide(p: dict[str, Any]) -> Decision:
        try:
            action = Action(p.get("action"))
        except ValueError:
            raise UsageError("action must be accept or reject") from None
        return decide(
            view.store,
            view.review(),
            str(p.get("key", "")),
            action,
            reviewer,
            str(p.get("note") or ""),
        )

    def _correct(p: dict[str, Any]) -> Decision:
        return correct_item(
            view.store,
            view.review(),
            str(p.get("key", "")),
            dict(p.get("fields") or {}),
            reviewer,
            str(p.get("note") or ""),
        )

    def _add(p: dict[str, Any]) -> Decision:
        start, end = p.get("start"), p.get("end")
        selection = (
            Span(start=start, end=end)
            if isinstance(start, int) and isinstance(end, int) and end > start
            else None
        )
        return add_item(
            view.store,
            view.review(),
            str(p.get("article_id", "")),
            str(p.get("item_type", "")),
            dict(p.get("fields") or {}),
            reviewer,
            str(p.get("note") or ""),
            selection=selection,
            flag_id=p.get("flag_id") or None,
        )

    async def sample(request: Request) -> Response:
        try:
            payload = json.loads(await request.body() or b"{}")
            per_article = int(payload.get("per_article") or DEFAULT_SAMPLE)
            seed = int(payload.get("seed") or 0)
        except (ValueError, TypeError, AttributeError):
            return JSONResponse({"error": "per_article and seed are whole numbers"}, 400)
        try:
            drawn = await run_in_threadpool(
                lambda: draw_sample(view.store, view.review(), per_article=per_article, seed=seed,
                                    reviewer=reviewer)
            )
            await run_in_threadpool(record_estimate, run_dir)
        except UsageError as exc:
            return JSONResponse({"error": str(exc), "flags": []}, 422)
        return JSONResponse({"ok": True, "drawn": len(drawn.item_ids)})

    return Starlette(
        routes=[
            Route("/", page),
            Route("/static/{name}", static),
            Route("/api/queue", queue),
            Route("/api/decide", api(_decide), methods=["POST"]),
            Route("/api/correct", api(_correct), methods=["POST"]),
            Route("/api/add", api(_add), methods=["POST"]),
            Route("/api/sample", sample, methods=["POST"]),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(TrustedHostMiddleware, allowed_hosts=ALLOWED_HOSTS),
            Middleware(TokenGate, token=token),
            Middleware(OriginGate),
        ],
    )


def _can_open_browser() -> bool:
    """A graphical browser can open; on a bare terminal webbrowser would start a text browser
    in our own terminal, so we only print the URL."""
    return sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


def bind(port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1 (``port`` 0: any free port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise UsageError(
            f"cannot listen on 127.0.0.1:{port} ({exc.strerror}); "
            "choose another --port or 0 for any free one"
        ) from None
    sock.listen(64)
    return sock


def serve(
    run_dir: Path,
    *,
    reviewer: str,
    port: int = 0,
    open_browser: bool = True,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve the review page until Ctrl-C; ``announce`` receives the URL with its token."""
    import uvicorn

    token = secrets.token_urlsafe(24)
    app = create_app(run_dir, token, reviewer)
    sock = bind(port)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/?{urlencode({'token': token})}"
    announce(url)
    if open_browser and _can_open_browser():
        threading.Timer(0.5, webbrowser.open, [url]).start()
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    )
    server.run(sockets=[sock])
