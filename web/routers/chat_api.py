"""POST /api/chat: the public JSON contract."""

from fastapi import APIRouter

from assistant.chat import handle_turn, to_response
from assistant.chat_contract import ChatRequest, ChatResponse
from web.errors import ERROR_RESPONSES

router = APIRouter(tags=["chat"])


@router.post("/api/chat", response_model=ChatResponse, responses=ERROR_RESPONSES, summary="Send a parent's message")
def chat(request: ChatRequest) -> ChatResponse:
    return to_response(handle_turn(request.message, request.conversation_id, request.area))
