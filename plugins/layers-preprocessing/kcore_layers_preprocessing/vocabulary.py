"""Learning a vocabulary from data (what `adapt` does), and hashing out-of-vocabulary tokens into buckets."""

import numpy as np

from kcore.errors import ConfigError


class TokenCounter:
    """How often each token occurs, and in how many documents (rows), over the batches `adapt` sees."""

    def __init__(self):
        self._tokens, self._counts, self._document_tokens, self.documents = [], [], [], 0

    def update(self, values, rows, nrows):
        """Count the tokens `values` of `nrows` documents (`rows[i]` is the document of `values[i]`)."""
        tokens, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
        self._tokens.append(tokens)
        self._counts.append(counts)
        pairs = np.unique(rows * max(len(tokens), 1) + inverse.reshape(-1))  # each (document, token) once
        self._document_tokens.append(tokens[pairs % max(len(tokens), 1)])
        self.documents += nrows

    def totals(self, dtype):
        """(tokens, counts, document counts), the tokens sorted."""
        if not self._tokens:
            return np.zeros(0, dtype), np.zeros(0, np.int64), np.zeros(0, np.int64)
        tokens, inverse = np.unique(np.concatenate(self._tokens), return_inverse=True)
        counts = np.bincount(inverse.reshape(-1), weights=np.concatenate(self._counts), minlength=len(tokens))
        in_documents = np.unique(np.concatenate(self._document_tokens), return_counts=True)[1]
        return tokens, counts.astype(np.int64), in_documents


def learn(counter, dtype, special, limit, with_idf):
    """(tokens, idf weights or None) from what `counter` saw: the `special` tokens left out, the others by
    frequency, at most `limit` of them."""
    tokens, counts, in_documents = counter.totals(dtype)
    keep = ~np.isin(tokens, [t for t in special if t is not None])
    tokens, counts, in_documents = tokens[keep], counts[keep], in_documents[keep]
    chosen = most_frequent(tokens, counts, limit)
    if not with_idf:
        return chosen, None
    return chosen, inverse_document_frequency(in_documents[np.searchsorted(tokens, chosen)], counter.documents)


def checked_tokens(vocabulary, special, reserved, limit, where):
    """The tokens of a given `vocabulary` (without the `special` tokens when it starts with exactly them), and
    whether it did; refused when a token repeats, a `reserved` token ({role: token}) sits inside, or there
    are more than `limit`."""
    had_special = len(special) > 0 and vocabulary[:len(special)].tolist() == special
    tokens = vocabulary[len(special):] if had_special else vocabulary
    unique, counts = np.unique(tokens, return_counts=True)
    if (counts > 1).any():
        raise ConfigError(f"{where}: the vocabulary repeats {unique[counts > 1].tolist()[:5]}; every token must "
                          f"appear once.")
    for role, token in reserved.items():
        if token is not None and (tokens == token).any():
            raise ConfigError(f"{where}: the {role} token {token!r} appears inside the vocabulary. Leave it out, or "
                              f"put {special} (exactly) at its start.")
    if limit is not None and len(tokens) > limit:
        raise ConfigError(f"{where}: the vocabulary has {len(tokens)} tokens; with the mask and OOV indices that is "
                          f"more than max_tokens allows ({limit} tokens).")
    return tokens, had_special


def with_special_weights(idf, count):
    """`idf` with `count` leading weights for the mask and OOV indices: the mean weight, as Keras gives them."""
    mean = idf.mean() if len(idf) else 0.0
    return np.concatenate([np.full(count, mean, dtype=idf.dtype), idf])


def most_frequent(tokens, counts, limit):
    """The tokens by count, most frequent first, ties broken by the tokens in reverse order (as Keras
    breaks them); at most `limit` (None: all)."""
    order = np.lexsort((tokens, counts))[::-1]
    return tokens[order[:limit] if limit is not None else order]


def inverse_document_frequency(document_counts, documents):
    """Keras's idf: log(1 + documents / (1 + documents containing the token))."""
    return np.log(1 + documents / (1 + np.asarray(document_counts, dtype=np.float64)))


def hash_buckets(keys, buckets):
    """A bucket in [0, buckets) for each key, the same in every process: the key modulo `buckets` for integers
    (Keras's "floormod"), FNV-1a over the characters for strings (Keras uses FarmHash, so the buckets differ)."""
    if keys.dtype.kind in "iu":
        return np.mod(keys, buckets).astype(np.int64)
    width = max(keys.dtype.itemsize // 4, 1)
    codes = np.ascontiguousarray(keys, dtype=f"<U{width}").view(np.uint32).reshape(len(keys), width)
    digest = np.full(len(keys), 0xCBF29CE484222325, dtype=np.uint64)
    for column in codes.T.astype(np.uint64):  # over character positions, not over keys
        digest = np.where(column != 0, (digest ^ column) * np.uint64(0x100000001B3), digest)
    return (digest % np.uint64(buckets)).astype(np.int64)
