"""Publishing to S3-compatible object storage: ``gongkai publish --to s3://bucket/prefix``.

Object storage has no symbolic link to switch, so a release cannot go live
in one rename as on a server (publish.py). What this module does instead:

* **Only what changed is sent.** Every object's MD5 is compared with the
  ETag the bucket lists (the MD5 of a single-part upload on AWS, OSS, COS
  and MinIO), and its headers with the live release's manifest.
* **Every body is kept once by its SHA-256** under ``<prefix>.gongkai/objects/``
  (``.gongkai/objects/`` when the site is the bucket's root), and the live
  keys are server-side copies of those bodies with their headers. A release
  is a manifest (``<store>/releases/<name>.json``: key → hash and headers);
  ``<store>/live.json`` names the live one. ``--rollback`` copies the
  previous release's bodies back: nothing is rebuilt or uploaded.
* **Order keeps the live site whole.** New bodies are stored first (nothing
  live changes); then assets (CSS, scripts, images, attachments, the search
  index), then pages deepest first (a notice before the section page that
  links it, ``index.html`` after the pages beside it), then ``status.json``,
  ``manifest.json`` and ``county.json``; the release manifest; deletions
  only after that. Every link on a page that went live leads to an object
  that is already there.
* **A failure midway is undone**: the keys already switched get their live
  release's bodies back (or are removed, if that release had none), so the
  live site is the live release again. If even that fails (the network is
  gone), the order above still holds, and the next publish finishes the job.
* **Deletions are limited**: more than :data:`DELETE_LIMIT` objects to
  delete stops the publish before anything changes, unless ``--force``.

Pre-compressed copies (GONGKAI_PRECOMPRESS): ``a.html`` is stored as it is;
``a.html.gz`` and ``a.html.br`` become objects of their own, with
``a.html``'s Content-Type and ``Content-Encoding: gzip`` / ``br``. Object
storage does not choose between them by the browser's Accept-Encoding; a
CDN rule can (docs/publishing.md), and without one, ``a.html`` is served.

Credentials, region and endpoint come from where every AWS tool reads them
(environment variables such as ``AWS_ACCESS_KEY_ID``, ``AWS_ENDPOINT_URL``,
``AWS_PROFILE``, or ``~/.aws/config`` and ``~/.aws/credentials``), never from
the site's settings, which live in the repository.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mimetypes
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import load
from .publish import KEEP, Plan, PublishError, TargetError, previous_manifest, release_name
from .publish import build as build_release

DELETE_LIMIT = 100           # objects a publish may delete without --force
WORKERS = 8                  # requests at once
LAST = ("status.json", "manifest.json", "county.json")  # what other programs read: changed after every page
SHORT = "public, max-age=300"                   # pages and data: a correction is seen within minutes
ASSET = "public, max-age=3600"                  # theme, images, attachments: names that may be reused
IMMUTABLE = "public, max-age=31536000, immutable"  # search index files, named by their content
_HASHED = re.compile(r"^(?:.*/)?pagefind/(?:.*/)?(?:fragment|index|filter)/|\.pagefind$")
ENCODINGS = {".gz": "gzip", ".br": "br"}
TYPES = {".html": "text/html; charset=utf-8", ".json": "application/json; charset=utf-8",
         ".xml": "application/xml; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml", ".txt": "text/plain; charset=utf-8",
         ".pdf": "application/pdf", ".wasm": "application/wasm"}


@dataclass(frozen=True)
class S3Target:
    bucket: str
    prefix: str  # without slashes at either end; "" for the bucket's root

    def key(self, rel: str) -> str:
        return f"{self.prefix}/{rel}" if self.prefix else rel

    @property
    def site(self) -> str:
        """The prefix every key of the site starts with."""
        return f"{self.prefix}/" if self.prefix else ""

    @property
    def store(self) -> str:
        """Where bodies and release manifests are kept: beside the site, never under it (unless it is the root)."""
        return f"{self.prefix}.gongkai/" if self.prefix else ".gongkai/"

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"


_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def is_s3(text: str | None) -> bool:
    return bool(text) and text.strip().lower().startswith("s3://")


def parse_target(text: str) -> S3Target:
    """``s3://bucket`` or ``s3://bucket/some/prefix``."""
    rest = text.strip()[5:]
    bucket, _, prefix = rest.partition("/")
    if not _BUCKET.match(bucket):
        raise TargetError(f"存储桶名 {bucket!r} 无效：应为 3–63 个小写字母、数字、点或连字符，例如 s3://gongkai-site/dongdadi。")
    prefix = prefix.strip("/")
    if any(part in ("", ".", "..") for part in prefix.split("/")) and prefix:
        raise TargetError(f"目标 {text} 的路径无效：不能有空的一段、. 或 ..。")
    return S3Target(bucket, prefix)


# -- what the release holds ------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One object of a release: its body's hashes and the headers it is served with."""

    sha256: str
    md5: str
    size: int
    content_type: str
    content_encoding: str | None
    cache_control: str

    def headers(self) -> dict:
        return {"content_type": self.content_type, "content_encoding": self.content_encoding,
                "cache_control": self.cache_control}

    def as_dict(self) -> dict:
        return {"sha256": self.sha256, "md5": self.md5, "size": self.size, **self.headers()}


def headers_for(rel: str) -> tuple[str, str | None, str]:
    """Content-Type, Content-Encoding and Cache-Control of the file at ``rel``."""
    name, encoding = rel, None
    suffix = Path(rel).suffix.lower()
    if suffix in ENCODINGS:
        name, encoding = rel[: -len(suffix)], ENCODINGS[suffix]
    base = Path(name).suffix.lower()
    if name.endswith(".atom.xml"):
        content_type = "application/atom+xml; charset=utf-8"
    else:
        content_type = TYPES.get(base) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    if _HASHED.search(name):
        cache = IMMUTABLE
    elif base in (".html", ".json", ".xml", ".txt") or name.endswith(("pagefind.js", "pagefind-worker.js")):
        cache = SHORT
    else:
        cache = ASSET
    return content_type, encoding, cache


def scan(output: Path) -> dict[str, Entry]:
    """Every file of the built site: relative path → :class:`Entry`."""
    found: dict[str, Entry] = {}
    for path in sorted(output.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(output).as_posix()
        data = path.read_bytes()
        content_type, encoding, cache = headers_for(rel)
        found[rel] = Entry(hashlib.sha256(data).hexdigest(), hashlib.md5(data, usedforsecurity=False).hexdigest(),
                           len(data), content_type, encoding, cache)
    return found


def phase(rel: str) -> tuple:
    """Upload order: assets, then pages deepest first (index.html after its siblings), then the data files."""
    plain = re.sub(r"\.(gz|br)$", "", rel)
    if plain in LAST:
        return (2, LAST.index(plain), rel)
    if Path(plain).suffix.lower() in (".html", ".xml", ".json") and not plain.startswith("pagefind/") \
            and "/pagefind/" not in plain:
        return (1, -plain.count("/"), Path(plain).name == "index.html", rel)
    return (0, rel)


# -- the bucket ------------------------------------------------------------------

def client(connect_timeout: float = 10, read_timeout: float = 60):
    """An S3 client configured the standard AWS way; :class:`TargetError` if boto3 is missing."""
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")  # an office PC is no EC2 instance: no probe for keys there
    try:
        import boto3
        from botocore.config import Config as BotoConfig
    except ImportError:
        raise TargetError("发布到对象存储需要 boto3：请运行 pip install 'gongkai[s3]'。") from None
    return boto3.client("s3", config=BotoConfig(connect_timeout=connect_timeout, read_timeout=read_timeout,
                                                retries={"max_attempts": 5, "mode": "standard"}))


def _errors():
    from botocore.exceptions import BotoCoreError, ClientError

    return BotoCoreError, ClientError


def _code(exc: BaseException) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def describe(exc: BaseException, target: S3Target) -> str:
    """One line for the clerk: what the storage said, and what to do."""
    code = _code(exc)
    if code in ("NoSuchBucket",):
        return f"存储桶 {target.bucket} 不存在。请先在对象存储控制台创建它，或检查 --to 的写法。"
    if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"):
        return (f"对象存储拒绝访问（{code}）：请检查密钥（环境变量 AWS_ACCESS_KEY_ID、AWS_SECRET_ACCESS_KEY 或 "
                "~/.aws/credentials）和它对该存储桶的读写权限。")
    if type(exc).__name__ == "NoCredentialsError":
        return "没有找到对象存储的密钥：请设置环境变量 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY，或写在 ~/.aws/credentials 中。"
    if type(exc).__name__ in ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError", "ConnectionClosedError"):
        return f"无法连接对象存储（{exc}）。请检查网络和地址（环境变量 AWS_ENDPOINT_URL 或 ~/.aws/config 的 endpoint_url）。"
    return f"对象存储出错：{type(exc).__name__}: {exc}"


class Bucket:
    """The few requests publishing needs, each object at most once, several at a time."""

    def __init__(self, s3, target: S3Target):
        self.s3 = s3
        self.target = target
        self.requests: dict[str, int] = {"put": 0, "copy": 0, "delete": 0}

    def list(self, prefix: str) -> dict[str, str]:
        """key → ETag (without quotes) of every object under ``prefix``."""
        found = {}
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.target.bucket, Prefix=prefix):
            for item in page.get("Contents", ()):
                found[item["Key"]] = item.get("ETag", "").strip('"')
        return found

    def get(self, key: str) -> bytes | None:
        client_error = _errors()[1]
        try:
            return self.s3.get_object(Bucket=self.target.bucket, Key=key)["Body"].read()
        except client_error as exc:
            if _code(exc) in ("NoSuchKey", "404"):
                return None
            raise

    def put(self, key: str, body: bytes, content_type: str, cache_control: str = "no-cache",
            metadata: dict | None = None) -> None:
        self.requests["put"] += 1
        self.s3.put_object(Bucket=self.target.bucket, Key=key, Body=body, ContentType=content_type,
                           CacheControl=cache_control, Metadata=metadata or {})

    def copy(self, source: str, key: str, entry: Entry) -> None:
        """The live object ``key``: a copy of the kept body ``source`` with ``entry``'s headers."""
        self.requests["copy"] += 1
        extra = {"ContentEncoding": entry.content_encoding} if entry.content_encoding else {}
        self.s3.copy_object(Bucket=self.target.bucket, Key=key, CopySource={"Bucket": self.target.bucket, "Key": source},
                            MetadataDirective="REPLACE", ContentType=entry.content_type, CacheControl=entry.cache_control,
                            Metadata={"gongkai-sha256": entry.sha256}, **extra)

    def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):
            chunk = keys[start:start + 1000]
            self.requests["delete"] += len(chunk)
            answer = self.s3.delete_objects(Bucket=self.target.bucket,
                                            Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True})
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise PublishError(f"对象存储没有删除 {first.get('Key')}（{first.get('Code')}: {first.get('Message')}）。")


def _parallel(function: Callable, items: Iterable) -> None:
    """Run ``function`` over ``items`` on a few threads; the first failure is raised after the others stop."""
    items = list(items)
    if not items:
        return
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for _ in pool.map(function, items):
            pass


# -- the state in the bucket -----------------------------------------------------

@dataclass
class State:
    live: str | None = None               # the live release's name
    history: list[str] = field(default_factory=list)  # kept releases, oldest first
    manifest: dict[str, Entry] = field(default_factory=dict)  # the live release's objects
    objects: dict[str, str] = field(default_factory=dict)     # key → ETag of every object under the site prefix
    stored: set[str] = field(default_factory=set)             # hashes of the kept bodies


def _release_key(target: S3Target, name: str) -> str:
    return f"{target.store}releases/{name}.json"


def _body_key(target: S3Target, sha256: str) -> str:
    return f"{target.store}objects/{sha256}"


def read_release(bucket: Bucket, name: str) -> dict[str, Entry]:
    data = bucket.get(_release_key(bucket.target, name))
    if data is None:
        raise PublishError(f"找不到版本 {name} 的清单（{_release_key(bucket.target, name)}），无法使用这个版本。")
    try:
        return {rel: Entry(**entry) for rel, entry in json.loads(data)["objects"].items()}
    except (ValueError, KeyError, TypeError):
        raise PublishError(f"版本 {name} 的清单已损坏，无法使用这个版本。") from None


def read_state(bucket: Bucket) -> State:
    target = bucket.target
    state = State()
    raw = bucket.get(f"{target.store}live.json")
    if raw is not None:
        try:
            data = json.loads(raw)
            state.live, state.history = data.get("live"), [str(n) for n in data.get("history", [])]
        except (ValueError, AttributeError):
            raise PublishError(f"{target.store}live.json 已损坏，无法确定线上版本。请检查存储桶。") from None
    if state.live:
        state.manifest = read_release(bucket, state.live)
    store = target.store
    objects = bucket.list(target.site)
    state.objects = {k: v for k, v in objects.items() if not k.startswith(store)}
    state.stored = {k.rsplit("/", 1)[-1] for k in bucket.list(f"{store}objects/")}
    return state


def write_live(bucket: Bucket, live: str, history: list[str]) -> None:
    body = json.dumps({"live": live, "history": history}, ensure_ascii=False).encode("utf-8")
    bucket.put(f"{bucket.target.store}live.json", body, "application/json")


# -- applying a release ------------------------------------------------------------

@dataclass
class Changes:
    upload: list[str]   # relative paths whose live object changes
    delete: list[str]   # keys to delete


def changes(state: State, release: dict[str, Entry], target: S3Target) -> Changes:
    """What differs between the bucket and ``release``: bodies (by ETag) or headers (by the live manifest)."""
    upload = []
    for rel, entry in release.items():
        etag = state.objects.get(target.key(rel))
        live = state.manifest.get(rel)
        if etag != entry.md5 or (live is not None and live.headers() != entry.headers()):
            upload.append(rel)
    wanted = {target.key(rel) for rel in release}
    delete = sorted(k for k in state.objects if k not in wanted)
    return Changes(sorted(upload, key=phase), delete)


def apply(bucket: Bucket, state: State, release: dict[str, Entry], plan: Changes, say: Callable[[str], None],
          on_switched: Callable[[str], None] | None = None) -> None:
    """Switch the live keys to ``release``, phase by phase; on a failure, put back what was switched."""
    target = bucket.target
    switched: list[str] = []

    def switch(rel: str) -> None:
        bucket.copy(_body_key(target, release[rel].sha256), target.key(rel), release[rel])
        switched.append(rel)
        if on_switched is not None:
            on_switched(rel)

    try:
        groups: dict[int, list[str]] = {}
        for rel in plan.upload:
            groups.setdefault(phase(rel)[0], []).append(rel)
        names = {0: "资源文件", 1: "网页", 2: "status.json 等数据文件"}
        for number in sorted(groups):
            say(f"      上线{names[number]} {len(groups[number])} 个 ……")
            if number == 1:  # deepest first, strictly: a page goes live after every page it links below it
                for rel in groups[number]:
                    switch(rel)
            else:
                _parallel(switch, groups[number])
    except BaseException:
        restore(bucket, state, switched)
        raise


def restore(bucket: Bucket, state: State, switched: list[str]) -> None:
    """Best effort: the switched keys get the live release's bodies back (or go, if it had none)."""
    target = bucket.target
    gone = [target.key(rel) for rel in switched if rel not in state.manifest]
    try:
        _parallel(lambda rel: bucket.copy(_body_key(target, state.manifest[rel].sha256), target.key(rel),
                                          state.manifest[rel]), [r for r in switched if r in state.manifest])
        if gone:
            bucket.delete(gone)
    except Exception:  # the network is gone: the upload order still keeps every page's links whole
        pass


def store_bodies(bucket: Bucket, state: State, release: dict[str, Entry], output: Path, rels: list[str]) -> int:
    """Keep the new bodies (nothing live changes); how many were sent."""
    todo: dict[str, str] = {}
    for rel in rels:
        sha = release[rel].sha256
        if sha not in state.stored and sha not in todo:
            todo[sha] = rel
    _parallel(lambda item: bucket.put(_body_key(bucket.target, item[0]), (output / item[1]).read_bytes(),
                                      "application/octet-stream"), todo.items())
    state.stored |= set(todo)
    return len(todo)


def save_release(bucket: Bucket, name: str, release: dict[str, Entry]) -> None:
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    body = json.dumps({"name": name, "created": created, "objects": {r: e.as_dict() for r, e in release.items()}},
                      ensure_ascii=False, sort_keys=True).encode("utf-8")
    bucket.put(_release_key(bucket.target, name), body, "application/json")


def prune(bucket: Bucket, history: list[str], keep: int) -> list[str]:
    """Keep the newest ``keep`` releases; forget every other manifest (older ones, one undone by
    ``--rollback``) and every body no kept release uses (also those of an interrupted publish)."""
    kept = history[-keep:]
    used: set[str] = set()
    for name in kept:
        used |= {e.sha256 for e in read_release(bucket, name).values()}
    store = bucket.target.store
    manifests = [k for k in bucket.list(f"{store}releases/") if k.rsplit("/", 1)[-1].removesuffix(".json") not in kept]
    bodies = [k for k in bucket.list(f"{store}objects/") if k.rsplit("/", 1)[-1] not in used]
    bucket.delete(bodies + manifests)
    return kept


# -- the commands ------------------------------------------------------------------

def publish(plan: Plan, target: S3Target, say: Callable[[str], None], *, force: bool = False, s3=None,
            on_switched: Callable[[str], None] | None = None) -> str:
    """Check, build, upload what changed, switch in order, delete; the release name that went live."""
    storage_errors = _errors_or_target()
    bucket = Bucket(s3 or client(), target)
    try:
        say(f"[1/5] 读取对象存储 {target} ……")
        state = read_state(bucket)
        say(f"      当前线上版本 {state.live}，共 {len(state.objects)} 个对象。" if state.live
            else f"      还没有用 gongkai 发布过（现有 {len(state.objects)} 个对象）。")
        previous = previous_manifest(bucket.get(target.key("manifest.json")))
        with tempfile.TemporaryDirectory(prefix="gongkai-s3-") as folder:
            output = Path(folder) / "site"
            name = release_name(plan.config, set(state.history))
            say(f"[2/5] 检查公告并生成网站（{plan.settings.name}）为新版本 {name} ……")
            built = build_release(plan, output, previous)
            site = built.site
            for problem in site.errors:
                say(f"      {problem}")
            release = scan(output)
            todo = changes(state, release, target)
            if len(todo.delete) > DELETE_LIMIT and not force:
                raise TargetError(f"这次发布要从 {target} 删除 {len(todo.delete)} 个对象，超过了 {DELETE_LIMIT} 个的上限，"
                                  f"没有做任何改动。例如：{'、'.join(todo.delete[:3])}。如果目标没写错、确实要删除，"
                                  "请加 --force 再发布。")
            sent = store_bodies(bucket, state, release, output, todo.upload)
            say(f"[3/5] 上传：{len(release)} 个文件中 {len(todo.upload)} 个有变化，新上传 {sent} 个 ……")
            apply(bucket, state, release, todo, say, on_switched)
            save_release(bucket, name, release)
            history = [*state.history, name]
            write_live(bucket, name, history)
        say(f"[4/5] 删除新版本中没有的对象 {len(todo.delete)} 个 ……")
        bucket.delete(todo.delete)
        say(f"[5/5] 清理旧版本，保留最近 {plan.keep} 个 ……")
        try:
            kept = prune(bucket, history, plan.keep)
            if kept != history:
                write_live(bucket, name, kept)
        except (*storage_errors, PublishError) as exc:  # the new release is live: not a failure
            say(f"      注意：旧版本没有清理干净（{exc}），下次发布时再清理。")
    except storage_errors as exc:
        raise PublishError(f"{describe(exc, target)}线上网站保持原样（已改动的对象已尽量恢复）。") from None
    address = f"{plan.config.siteurl}/" if plan.config.siteurl else str(target)
    held = f"；另有 {len({p.file for p in site.errors})} 个文件因错误没有发布" if site.errors else ""
    say(f"已上线：版本 {name}，共 {len(site.notices)} 份公告，{address}{held}")
    plan.held_back.extend(site.errors)
    return name


def rollback(plan: Plan, target: S3Target, say: Callable[[str], None], *, s3=None) -> str:
    """Put the release before the live one back, from the kept bodies; its name."""
    storage_errors = _errors_or_target()
    bucket = Bucket(s3 or client(), target)
    try:
        say(f"[1/2] 读取对象存储 {target} ……")
        state = read_state(bucket)
        if not state.live:
            raise TargetError(f"{target} 不是用 gongkai 发布的网站（没有 {target.store}live.json），无法回退。")
        older = state.history[: state.history.index(state.live)] if state.live in state.history else []
        if not older:
            raise PublishError(f"没有可回退的版本：线上版本 {state.live} 是保留的最早版本。")
        back = older[-1]
        release = read_release(bucket, back)
        todo = changes(state, release, target)
        say(f"[2/2] 线上网站：{state.live} → {back}（{len(todo.upload)} 个对象改回，{len(todo.delete)} 个删除）……")
        apply(bucket, state, release, todo, say)
        # The undone release leaves the history: a later --rollback goes further back, never to it.
        write_live(bucket, back, [n for n in state.history if n != state.live])
        bucket.delete(todo.delete)
    except storage_errors as exc:
        raise PublishError(f"{describe(exc, target)}回退没有完成，线上网站保持原样（已改动的对象已尽量恢复）。") from None
    say(f"已上线：版本 {back}（已回退，撤下了版本 {state.live}）。")
    return back


def _errors_or_target() -> tuple[type, type]:
    try:
        return _errors()
    except ImportError:
        raise TargetError("发布到对象存储需要 boto3：请运行 pip install 'gongkai[s3]'。") from None


def run(settings: Path | str, to: str, *, rollback_: bool = False, today: str | None = None, keep: int = KEEP,
        force: bool = False, say: Callable[[str], None] = print, s3: Any = None,
        on_switched: Callable[[str], None] | None = None) -> list:
    """``gongkai publish --to s3://…``; the errors of files held back (empty when none)."""
    target = parse_target(to)
    settings = Path(settings).resolve()
    if keep < 2:
        raise TargetError("--keep 至少为 2：线上版本和一个可回退的版本。")
    own, config = load(settings, today=today)
    plan = Plan(settings=settings, config=config, target=None, own=own, today=today, keep=keep)  # type: ignore[arg-type]
    if rollback_:
        rollback(plan, target, say, s3=s3)
    else:
        publish(plan, target, say, force=force, s3=s3, on_switched=on_switched)
    return plan.held_back

