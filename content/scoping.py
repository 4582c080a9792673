"""The one way a view reaches a user's content log: anything else is a 404."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from content.models import Piece, PieceQuerySet


def pieces_for(user: Any) -> PieceQuerySet:
    return Piece.objects.owned_by(user)


def get_piece_for(user: Any, pk: int) -> Piece:
    return get_object_or_404(pieces_for(user), pk=pk)
