"""POST /api/chat: the public JSON contract."""

from fastapi import APIRouter, Request

from assistant.chat import handle_turn, to_response
from assistant.chat_contract import ChatRequest, ChatResponse
from web.errors import ERROR_RESPONSES
from web.rate_limit import chat_limit

router = APIRouter(tags=["chat"])


@router.post("/api/chat", response_model=ChatResponse, responses=ERROR_RESPONSES, summary="Send a parent's message")
@chat_limit
def chat(request: Request, body: ChatRequest) -> ChatResponse:
    return to_response(handle_turn(body.message, body.conversation_id, body.area, body.language))
