from __future__ import annotations

import hashlib

from milkrun.links import tokens


def test_a_token_carries_at_least_128_random_bits_and_is_url_safe() -> None:
    made = {tokens.new_token() for _ in range(200)}

    assert len(made) == 200
    for token in made:
        assert tokens.looks_like_token(token)
        # base64url: 6 bits per character
        assert len(token) * 6 >= 128
        assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_only_the_sha256_is_kept_and_odd_shapes_are_not_tokens() -> None:
    token = tokens.new_token()

    assert tokens.token_hash(token) == hashlib.sha256(token.encode()).hexdigest()
    assert len(tokens.token_hash(token)) == 64
    assert not tokens.looks_like_token(token[:-1])
    assert not tokens.looks_like_token(token + "A")
    assert not tokens.looks_like_token(token[:-1] + "/")
