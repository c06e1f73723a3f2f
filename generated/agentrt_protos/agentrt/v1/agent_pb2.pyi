from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ListAgentsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListAgentsResponse(_message.Message):
    __slots__ = ("agents",)
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    agents: _containers.RepeatedCompositeFieldContainer[AgentSummary]
    def __init__(self, agents: _Optional[_Iterable[_Union[AgentSummary, _Mapping]]] = ...) -> None: ...

class GetAgentRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetAgentResponse(_message.Message):
    __slots__ = ("agent", "variables_schema", "output_schema")
    AGENT_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    agent: AgentSummary
    variables_schema: _struct_pb2.Struct
    output_schema: _struct_pb2.Struct
    def __init__(self, agent: _Optional[_Union[AgentSummary, _Mapping]] = ..., variables_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., output_schema: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class AgentSummary(_message.Message):
    __slots__ = ("name", "description", "model", "tools", "variables", "structured_output", "limits")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    STRUCTURED_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    model: str
    tools: _containers.RepeatedCompositeFieldContainer[ToolSummary]
    variables: _containers.RepeatedScalarFieldContainer[str]
    structured_output: bool
    limits: RunLimits
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., model: _Optional[str] = ..., tools: _Optional[_Iterable[_Union[ToolSummary, _Mapping]]] = ..., variables: _Optional[_Iterable[str]] = ..., structured_output: _Optional[bool] = ..., limits: _Optional[_Union[RunLimits, _Mapping]] = ...) -> None: ...

class ToolSummary(_message.Message):
    __slots__ = ("name", "kind", "description")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: str
    description: str
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class RunLimits(_message.Message):
    __slots__ = ("max_turns", "timeout_s", "max_tool_concurrency", "output_retries")
    MAX_TURNS_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_S_FIELD_NUMBER: _ClassVar[int]
    MAX_TOOL_CONCURRENCY_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_RETRIES_FIELD_NUMBER: _ClassVar[int]
    max_turns: int
    timeout_s: float
    max_tool_concurrency: int
    output_retries: int
    def __init__(self, max_turns: _Optional[int] = ..., timeout_s: _Optional[float] = ..., max_tool_concurrency: _Optional[int] = ..., output_retries: _Optional[int] = ...) -> None: ...

class RunAgentRequest(_message.Message):
    __slots__ = ("agent", "input", "variables", "run_id", "metadata", "session_id", "parts")
    class VariablesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    AGENT_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    VARIABLES_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    agent: str
    input: str
    variables: _containers.ScalarMap[str, str]
    run_id: str
    metadata: _containers.ScalarMap[str, str]
    session_id: str
    parts: _containers.RepeatedCompositeFieldContainer[InputPart]
    def __init__(self, agent: _Optional[str] = ..., input: _Optional[str] = ..., variables: _Optional[_Mapping[str, str]] = ..., run_id: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ..., session_id: _Optional[str] = ..., parts: _Optional[_Iterable[_Union[InputPart, _Mapping]]] = ...) -> None: ...

class InputPart(_message.Message):
    __slots__ = ("image", "file")
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    FILE_FIELD_NUMBER: _ClassVar[int]
    image: ImageInput
    file: FileInput
    def __init__(self, image: _Optional[_Union[ImageInput, _Mapping]] = ..., file: _Optional[_Union[FileInput, _Mapping]] = ...) -> None: ...

class ImageInput(_message.Message):
    __slots__ = ("url", "data", "file_id", "detail")
    URL_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    FILE_ID_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    url: str
    data: bytes
    file_id: str
    detail: str
    def __init__(self, url: _Optional[str] = ..., data: _Optional[bytes] = ..., file_id: _Optional[str] = ..., detail: _Optional[str] = ...) -> None: ...

class FileInput(_message.Message):
    __slots__ = ("name", "data", "file_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    FILE_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    data: bytes
    file_id: str
    def __init__(self, name: _Optional[str] = ..., data: _Optional[bytes] = ..., file_id: _Optional[str] = ...) -> None: ...

class RunAgentResponse(_message.Message):
    __slots__ = ("status", "result", "approval_required")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    status: RunStatus
    result: RunResult
    approval_required: ApprovalRequired
    def __init__(self, status: _Optional[_Union[RunStatus, _Mapping]] = ..., result: _Optional[_Union[RunResult, _Mapping]] = ..., approval_required: _Optional[_Union[ApprovalRequired, _Mapping]] = ...) -> None: ...

class ApprovalRequired(_message.Message):
    __slots__ = ("run_id", "calls", "expires_in_s")
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    CALLS_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_IN_S_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    calls: _containers.RepeatedCompositeFieldContainer[PendingCall]
    expires_in_s: float
    def __init__(self, run_id: _Optional[str] = ..., calls: _Optional[_Iterable[_Union[PendingCall, _Mapping]]] = ..., expires_in_s: _Optional[float] = ...) -> None: ...

class PendingCall(_message.Message):
    __slots__ = ("call_id", "tool", "arguments", "note")
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    TOOL_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    call_id: str
    tool: str
    arguments: str
    note: str
    def __init__(self, call_id: _Optional[str] = ..., tool: _Optional[str] = ..., arguments: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class ResumeRunRequest(_message.Message):
    __slots__ = ("run_id", "decisions")
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    run_id: str
    decisions: _containers.RepeatedCompositeFieldContainer[Decision]
    def __init__(self, run_id: _Optional[str] = ..., decisions: _Optional[_Iterable[_Union[Decision, _Mapping]]] = ...) -> None: ...

class Decision(_message.Message):
    __slots__ = ("call_id", "approve", "reason")
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    APPROVE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    call_id: str
    approve: bool
    reason: str
    def __init__(self, call_id: _Optional[str] = ..., approve: _Optional[bool] = ..., reason: _Optional[str] = ...) -> None: ...

class GetSessionRequest(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class GetSessionResponse(_message.Message):
    __slots__ = ("session_id", "turns")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TURNS_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    turns: _containers.RepeatedCompositeFieldContainer[SessionTurn]
    def __init__(self, session_id: _Optional[str] = ..., turns: _Optional[_Iterable[_Union[SessionTurn, _Mapping]]] = ...) -> None: ...

class SessionTurn(_message.Message):
    __slots__ = ("index", "input", "messages", "response_id", "created_at")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    index: int
    input: str
    messages: _containers.RepeatedCompositeFieldContainer[_struct_pb2.Struct]
    response_id: str
    created_at: float
    def __init__(self, index: _Optional[int] = ..., input: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[_struct_pb2.Struct, _Mapping]]] = ..., response_id: _Optional[str] = ..., created_at: _Optional[float] = ...) -> None: ...

class DeleteSessionRequest(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class DeleteSessionResponse(_message.Message):
    __slots__ = ("deleted",)
    DELETED_FIELD_NUMBER: _ClassVar[int]
    deleted: bool
    def __init__(self, deleted: _Optional[bool] = ...) -> None: ...

class RunResult(_message.Message):
    __slots__ = ("agent", "run_id", "text", "structured", "turns", "tool_calls", "usage", "model", "response_ids", "duration_s", "fallbacks")
    AGENT_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    STRUCTURED_FIELD_NUMBER: _ClassVar[int]
    TURNS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_IDS_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    FALLBACKS_FIELD_NUMBER: _ClassVar[int]
    agent: str
    run_id: str
    text: str
    structured: _struct_pb2.Value
    turns: int
    tool_calls: _containers.RepeatedCompositeFieldContainer[ToolCall]
    usage: Usage
    model: str
    response_ids: _containers.RepeatedScalarFieldContainer[str]
    duration_s: float
    fallbacks: _containers.RepeatedCompositeFieldContainer[ModelFallback]
    def __init__(self, agent: _Optional[str] = ..., run_id: _Optional[str] = ..., text: _Optional[str] = ..., structured: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., turns: _Optional[int] = ..., tool_calls: _Optional[_Iterable[_Union[ToolCall, _Mapping]]] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., model: _Optional[str] = ..., response_ids: _Optional[_Iterable[str]] = ..., duration_s: _Optional[float] = ..., fallbacks: _Optional[_Iterable[_Union[ModelFallback, _Mapping]]] = ...) -> None: ...

class ModelFallback(_message.Message):
    __slots__ = ("turn", "from_model", "to_model", "error")
    TURN_FIELD_NUMBER: _ClassVar[int]
    FROM_MODEL_FIELD_NUMBER: _ClassVar[int]
    TO_MODEL_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    turn: int
    from_model: str
    to_model: str
    error: str
    def __init__(self, turn: _Optional[int] = ..., from_model: _Optional[str] = ..., to_model: _Optional[str] = ..., error: _Optional[str] = ...) -> None: ...

class Usage(_message.Message):
    __slots__ = ("input_tokens", "output_tokens", "reasoning_tokens", "cost_usd")
    INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    REASONING_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    input_tokens: int
    output_tokens: int
    reasoning_tokens: int
    cost_usd: float
    def __init__(self, input_tokens: _Optional[int] = ..., output_tokens: _Optional[int] = ..., reasoning_tokens: _Optional[int] = ..., cost_usd: _Optional[float] = ...) -> None: ...

class ToolCall(_message.Message):
    __slots__ = ("call_id", "name", "arguments", "turn", "result", "error", "duration_s")
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    TURN_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    call_id: str
    name: str
    arguments: str
    turn: int
    result: str
    error: ToolError
    duration_s: float
    def __init__(self, call_id: _Optional[str] = ..., name: _Optional[str] = ..., arguments: _Optional[str] = ..., turn: _Optional[int] = ..., result: _Optional[str] = ..., error: _Optional[_Union[ToolError, _Mapping]] = ..., duration_s: _Optional[float] = ...) -> None: ...

class ToolError(_message.Message):
    __slots__ = ("kind", "type", "message")
    KIND_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    kind: str
    type: str
    message: str
    def __init__(self, kind: _Optional[str] = ..., type: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class RunStatus(_message.Message):
    __slots__ = ("state", "error_type", "message", "guardrail", "guardrail_kind", "hook")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[RunStatus.State]
        SUCCEEDED: _ClassVar[RunStatus.State]
        FAILED: _ClassVar[RunStatus.State]
        APPROVAL_REQUIRED: _ClassVar[RunStatus.State]
        GUARDRAIL_TRIPPED: _ClassVar[RunStatus.State]
        HOOK_FAILED: _ClassVar[RunStatus.State]
    STATE_UNSPECIFIED: RunStatus.State
    SUCCEEDED: RunStatus.State
    FAILED: RunStatus.State
    APPROVAL_REQUIRED: RunStatus.State
    GUARDRAIL_TRIPPED: RunStatus.State
    HOOK_FAILED: RunStatus.State
    STATE_FIELD_NUMBER: _ClassVar[int]
    ERROR_TYPE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    GUARDRAIL_FIELD_NUMBER: _ClassVar[int]
    GUARDRAIL_KIND_FIELD_NUMBER: _ClassVar[int]
    HOOK_FIELD_NUMBER: _ClassVar[int]
    state: RunStatus.State
    error_type: str
    message: str
    guardrail: str
    guardrail_kind: str
    hook: str
    def __init__(self, state: _Optional[_Union[RunStatus.State, str]] = ..., error_type: _Optional[str] = ..., message: _Optional[str] = ..., guardrail: _Optional[str] = ..., guardrail_kind: _Optional[str] = ..., hook: _Optional[str] = ...) -> None: ...

class RunEvent(_message.Message):
    __slots__ = ("run_started", "text_delta", "reasoning_delta", "tool_call_started", "tool_call_finished", "turn_finished", "run_finished", "run_ended", "approval_required")
    RUN_STARTED_FIELD_NUMBER: _ClassVar[int]
    TEXT_DELTA_FIELD_NUMBER: _ClassVar[int]
    REASONING_DELTA_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_STARTED_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_FINISHED_FIELD_NUMBER: _ClassVar[int]
    TURN_FINISHED_FIELD_NUMBER: _ClassVar[int]
    RUN_FINISHED_FIELD_NUMBER: _ClassVar[int]
    RUN_ENDED_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    run_started: RunStarted
    text_delta: str
    reasoning_delta: str
    tool_call_started: ToolCallStarted
    tool_call_finished: ToolCall
    turn_finished: TurnFinished
    run_finished: RunFinished
    run_ended: RunEnded
    approval_required: ApprovalRequired
    def __init__(self, run_started: _Optional[_Union[RunStarted, _Mapping]] = ..., text_delta: _Optional[str] = ..., reasoning_delta: _Optional[str] = ..., tool_call_started: _Optional[_Union[ToolCallStarted, _Mapping]] = ..., tool_call_finished: _Optional[_Union[ToolCall, _Mapping]] = ..., turn_finished: _Optional[_Union[TurnFinished, _Mapping]] = ..., run_finished: _Optional[_Union[RunFinished, _Mapping]] = ..., run_ended: _Optional[_Union[RunEnded, _Mapping]] = ..., approval_required: _Optional[_Union[ApprovalRequired, _Mapping]] = ...) -> None: ...

class RunStarted(_message.Message):
    __slots__ = ("agent", "run_id", "model")
    AGENT_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    agent: str
    run_id: str
    model: str
    def __init__(self, agent: _Optional[str] = ..., run_id: _Optional[str] = ..., model: _Optional[str] = ...) -> None: ...

class ToolCallStarted(_message.Message):
    __slots__ = ("turn", "call_id", "name", "arguments")
    TURN_FIELD_NUMBER: _ClassVar[int]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    turn: int
    call_id: str
    name: str
    arguments: str
    def __init__(self, turn: _Optional[int] = ..., call_id: _Optional[str] = ..., name: _Optional[str] = ..., arguments: _Optional[str] = ...) -> None: ...

class TurnFinished(_message.Message):
    __slots__ = ("turn", "response_id", "finish_reason", "usage")
    TURN_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_ID_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    turn: int
    response_id: str
    finish_reason: str
    usage: Usage
    def __init__(self, turn: _Optional[int] = ..., response_id: _Optional[str] = ..., finish_reason: _Optional[str] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ...) -> None: ...

class RunFinished(_message.Message):
    __slots__ = ("result",)
    RESULT_FIELD_NUMBER: _ClassVar[int]
    result: RunResult
    def __init__(self, result: _Optional[_Union[RunResult, _Mapping]] = ...) -> None: ...

class RunEnded(_message.Message):
    __slots__ = ("status", "partial_result")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PARTIAL_RESULT_FIELD_NUMBER: _ClassVar[int]
    status: RunStatus
    partial_result: RunResult
    def __init__(self, status: _Optional[_Union[RunStatus, _Mapping]] = ..., partial_result: _Optional[_Union[RunResult, _Mapping]] = ...) -> None: ...

class GetServerStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ServerStatus(_message.Message):
    __slots__ = ("runs_in_flight", "max_concurrent_runs", "tasks", "draining", "tool_threads", "abandoned_tool_threads")
    RUNS_IN_FLIGHT_FIELD_NUMBER: _ClassVar[int]
    MAX_CONCURRENT_RUNS_FIELD_NUMBER: _ClassVar[int]
    TASKS_FIELD_NUMBER: _ClassVar[int]
    DRAINING_FIELD_NUMBER: _ClassVar[int]
    TOOL_THREADS_FIELD_NUMBER: _ClassVar[int]
    ABANDONED_TOOL_THREADS_FIELD_NUMBER: _ClassVar[int]
    runs_in_flight: int
    max_concurrent_runs: int
    tasks: int
    draining: bool
    tool_threads: int
    abandoned_tool_threads: int
    def __init__(self, runs_in_flight: _Optional[int] = ..., max_concurrent_runs: _Optional[int] = ..., tasks: _Optional[int] = ..., draining: _Optional[bool] = ..., tool_threads: _Optional[int] = ..., abandoned_tool_threads: _Optional[int] = ...) -> None: ...
