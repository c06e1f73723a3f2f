"""Loading agent specs: parse, validate, resolve imports and sub-agents, and report every problem.

The order is fixed and nothing runs before it ends: parse the YAML (syntax
errors stop here), validate the document against :mod:`agentrt.specs.model`,
then resolve what it names (``module:attribute`` imports, sub-agent files,
the output JSON Schema). Problems from every step and every sub-agent file are
collected and raised together as one :class:`~agentrt.specs.problems.SpecError`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from agentrt.errors import UsageError
from agentrt.specs.diagnostics import problems_from_validation
from agentrt.specs.env_rules import env_problems
from agentrt.specs.imports import ImportProblem, importable, resolve_import
from agentrt.specs.model import AgentToolSpec, FunctionToolSpec
from agentrt.specs.problems import KeyPath, SpecError, SpecProblem
from agentrt.specs.resolved import ResolvedSpec
from agentrt.specs.source import SpecSource, parse_yaml, source_from_data

__all__ = ["MAX_SPEC_BYTES", "load_data", "load_file", "load_text"]

S = TypeVar("S", bound=ResolvedSpec)


@dataclass(frozen=True, kw_only=True)
class _Context(Generic[S]):
    spec_type: type[S]  # what to build, sub-agents too (the facade passes AgentSpec)
    environ: Mapping[str, str]
    stack: tuple[Path, ...] = ()  # the files being loaded, outermost first, for cycles
    import_code: bool = True  # False: check import paths statically, run nothing


def load_file(
    path: str | os.PathLike[str],
    *,
    spec_type: type[S],
    environ: Mapping[str, str] | None = None,
    import_code: bool = True,
) -> S:
    """Load, validate and resolve the spec at ``path`` (see :meth:`AgentSpec.from_file`).

    With ``import_code=False`` no tools module is imported (none of the spec's
    code runs): import paths are checked statically, and the spec returned is
    for reporting only (its function tools are unresolved; it cannot build an agent).
    """
    display = os.fspath(path)
    ctx = _Context(spec_type=spec_type, environ=_env(environ), import_code=import_code)
    return _load_path(Path(display), display, ctx)


def load_text(
    text: str,
    *,
    spec_type: type[S],
    file: str = "<text>",
    base_dir: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> S:
    """Load a spec from YAML text; imports and sub-agents resolve against ``base_dir`` (default: cwd)."""
    source = parse_yaml(text, file=file, environ=_env(environ))
    ctx = _Context(spec_type=spec_type, environ=_env(environ))
    return _validate(source, _base(base_dir), None, ctx)


def load_data(
    data: Mapping[str, Any],
    *,
    spec_type: type[S],
    base_dir: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> S:
    """Load a spec from already-parsed data (no ``${ENV}`` expansion, no positions)."""
    source = source_from_data(dict(data) if isinstance(data, Mapping) else data)
    ctx = _Context(spec_type=spec_type, environ=_env(environ))
    return _validate(source, _base(base_dir), None, ctx)


def _env(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def _base(base_dir: str | os.PathLike[str] | None) -> Path:
    return Path(base_dir if base_dir is not None else os.getcwd()).resolve()


MAX_SPEC_BYTES = 4 * 1024 * 1024
"""The largest spec file read (a spec is a few KB; /dev/zero must not fill memory)."""


def _read(path: Path) -> str:
    with path.open("rb") as f:
        data = f.read(MAX_SPEC_BYTES + 1)
    if len(data) > MAX_SPEC_BYTES:
        raise ValueError(f"larger than {MAX_SPEC_BYTES // (1024 * 1024)} MiB; is it a spec?")
    return data.decode("utf-8")


def _load_path(path: Path, display: str, ctx: _Context[S]) -> S:
    try:
        text = _read(path)
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SpecError(
            [
                SpecProblem(
                    file=display,
                    line=1,
                    column=1,
                    path="",
                    message=f"cannot read the spec: {reason}",
                )
            ]
        ) from None
    real = path.resolve()
    source = parse_yaml(text, file=display, environ=ctx.environ)
    nested = _Context(
        spec_type=ctx.spec_type,
        environ=ctx.environ,
        stack=(*ctx.stack, real),
        import_code=ctx.import_code,
    )
    return _validate(source, real.parent, real, nested)


def _validate(source: SpecSource, base_dir: Path, file: Path | None, ctx: _Context[S]) -> S:
    if not isinstance(source.data, dict):
        raise SpecError(
            [
                source.problem(
                    (), "expected a mapping with the keys version, name, model, instructions, ..."
                )
            ]
        )
    try:
        spec = ctx.spec_type.model_validate(source.data)
    except ValidationError as exc:
        raise SpecError(problems_from_validation(exc, source)) from None
    resolver = _Resolver(
        source=source, base_dir=base_dir, display_dir=os.path.dirname(source.file), ctx=ctx
    )
    resolver.resolve(spec)
    resolver.problems.extend(env_problems(spec, source))
    if resolver.problems:
        raise SpecError(resolver.problems)
    spec._attach(
        file=file,
        targets=resolver.targets,
        output_type=resolver.output_type,
        env=source.env,
        files=tuple(resolver.files),
        controls=resolver.controls,
    )
    return spec


@dataclass(kw_only=True)
class _Resolver:
    source: SpecSource
    base_dir: Path
    display_dir: str
    ctx: _Context[Any]

    def __post_init__(self) -> None:
        self.problems: list[SpecProblem] = []
        self.targets: dict[int, Any] = {}
        self.files: list[Path] = []
        self.output_type: type[BaseModel] | None = None
        self.controls: dict[str, Any] = {}

    def resolve(self, spec: ResolvedSpec) -> None:
        with importable(self.base_dir):
            for i, tool in enumerate(spec.tools):
                if isinstance(tool, FunctionToolSpec):
                    self._function(i, tool)
                elif isinstance(tool, AgentToolSpec):
                    self._agent(i, tool)
            if spec.output is not None and spec.output.type is not None:
                self.output_type = self._import(
                    ("output", "type"), spec.output.type, _pydantic_model
                )
            self._controls(spec)
        if spec.output is not None and spec.output.schema_ is not None:
            self._check_schema(spec.output.schema_)
        self._check_names(spec)
        self._files(spec)

    def add(self, path: KeyPath, message: str) -> None:
        self.problems.append(self.source.problem(path, message))

    def _import(self, path: KeyPath, target: str, check: Callable[[Any], str | None]) -> Any:
        if not self.ctx.import_code:
            from agentrt.specs.static_imports import check_import_statically

            wrong = check_import_statically(target, directory=self.base_dir)
            if wrong is not None:
                self.add(path, wrong)
            return None
        try:
            obj = resolve_import(target, directory=self.base_dir)
        except ImportProblem as exc:
            self.add(path, str(exc))
            return None
        wrong = check(obj)
        if wrong is not None:
            self.add(path, f"{target!r} is {wrong}")
            return None
        return obj

    def _controls(self, spec: ResolvedSpec) -> None:
        """``guardrails:`` and ``hooks:``: each reference imported and checked."""
        if spec.guardrails is not None:
            for kind in ("input", "output", "tools"):
                found = [
                    self._import(("guardrails", kind, j), ref, _guardrail)
                    for j, ref in enumerate(getattr(spec.guardrails, kind))
                ]
                self.controls[kind] = tuple(g for g in found if g is not None)
        if spec.hooks is not None:
            self.controls["hooks"] = self._import(("hooks",), spec.hooks, _hooks_object)

    def _approval(self, i: int, tool: FunctionToolSpec) -> Any:
        if tool.approval is None or tool.approval in ("always", "never"):
            return {None: None, "always": True, "never": False}[tool.approval]
        return self._import(("tools", i, "approval"), tool.approval, _approval_check)

    def _function(self, i: int, tool: FunctionToolSpec) -> None:
        from agentrt.specs.build import make_tool

        obj = self._import(("tools", i, "function"), tool.function, _tool_callable)
        approval = self._approval(i, tool)
        if obj is None:
            return
        try:
            self.targets[i] = make_tool(
                obj,
                name=tool.name,
                description=tool.description,
                timeout=tool.timeout,
                needs_approval=approval,
            )
        except UsageError as exc:
            self.add(("tools", i, "function"), f"{tool.function!r} cannot be a tool: {exc}")

    def _check_names(self, spec: ResolvedSpec) -> None:
        from agentrt.agents.tools import Tool

        seen: dict[str, int] = {}
        for i, target in sorted(self.targets.items()):
            override = getattr(spec.tools[i], "name", None)
            name = target.name if isinstance(target, Tool) else None
            if isinstance(target, ResolvedSpec):
                name = override or target.name
            if name is None:
                continue
            if name in seen:
                self.add(
                    ("tools", i),
                    f"two tools are named {name!r} (tools[{seen[name]}] and "
                    f"tools[{i}]); give one another name with 'name:'",
                )
            seen.setdefault(name, i)

    def _files(self, spec: ResolvedSpec) -> None:
        """Attached files: each a file in this spec's directory or below (a spec from
        elsewhere must not be able to send ~/.ssh to a server)."""
        for i, name in enumerate(spec.files):
            path: KeyPath = ("files", i)
            target = (self.base_dir / name).resolve()
            if not target.is_relative_to(self.base_dir):
                self.add(
                    path,
                    f"{name!r} is outside this spec's directory ({self.base_dir}); "
                    "attached files must be in it or below it (or use agentrt run --file)",
                )
            elif not target.is_file():
                self.add(path, f"no such file to attach: {name!r} (relative to {self.base_dir})")
            else:
                self.files.append(target)

    def _agent(self, i: int, tool: AgentToolSpec) -> None:
        path: KeyPath = ("tools", i, "agent")
        target = (self.base_dir / tool.agent).resolve()
        if not target.is_relative_to(self.base_dir):
            self.add(
                path,
                f"{tool.agent!r} is outside this spec's directory ({self.base_dir}); "
                "sub-agents must be in it or below it",
            )
            return
        if target in self.ctx.stack:
            chain = [*self.ctx.stack[self.ctx.stack.index(target) :], target]
            self.add(path, "agent cycle: " + " -> ".join(p.name for p in chain))
            return
        if not target.is_file():
            self.add(path, f"no such agent file: {tool.agent!r} (relative to {self.base_dir})")
            return
        display = os.path.normpath(os.path.join(self.display_dir, tool.agent))
        try:
            self.targets[i] = _load_path(target, display, self.ctx)
        except SpecError as exc:
            self.problems.extend(exc.problems)

    def _check_schema(self, schema: dict[str, Any]) -> None:
        import jsonschema

        try:
            jsonschema.validators.validator_for(schema).check_schema(schema)
        except jsonschema.SchemaError as exc:
            # For anyOf/oneOf failures the closest branch says more ("not one of [...]").
            closest = jsonschema.exceptions.best_match(exc.context) if exc.context else None
            message = closest.message if closest is not None else exc.message
            self.add(("output", "schema", *exc.path), f"invalid JSON Schema: {message}")
            return
        from agentrt.specs.refs import unresolved_refs

        for path, message in unresolved_refs(schema):
            self.add(("output", "schema", *path), message)


def _tool_callable(obj: Any) -> str | None:
    if isinstance(obj, type) or not callable(obj):
        return f"not a function (it is {_kind(obj)}); a tool must be a callable"
    return None


def _guardrail(obj: Any) -> str | None:
    if isinstance(obj, type) or not callable(obj):
        return f"not a function (it is {_kind(obj)}); a guardrail is a (ctx, value) -> Trip | None"
    return None


def _approval_check(obj: Any) -> str | None:
    if isinstance(obj, type) or not callable(obj):
        return f"not a function (it is {_kind(obj)}); approval: needs a (ctx, arguments) -> bool"
    return None


def _hooks_object(obj: Any) -> str | None:
    from agentrt.agents.hooks import HookRunner

    if isinstance(obj, type):
        return f"the class {obj.__name__}; make an instance in the module and name that"
    try:
        HookRunner.of(obj)
    except UsageError as exc:
        return f"not a hooks object: {exc}"
    return None


def _pydantic_model(obj: Any) -> str | None:
    if isinstance(obj, type) and issubclass(obj, BaseModel):
        return None
    return f"not a pydantic model (it is {_kind(obj)}); output.type must be a BaseModel subclass"


def _kind(obj: Any) -> str:
    if isinstance(obj, type):
        return f"the class {obj.__name__}"
    name = type(obj).__name__
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"
