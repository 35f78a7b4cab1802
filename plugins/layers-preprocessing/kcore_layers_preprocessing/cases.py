"""The conformance cases of this distribution's layers (kcore.testing.LayerCase), run by kcore's
tests/test_layer_conformance.py. Their inputs are strings drawn from `strings` (or integers): the layers have
no weights and no gradients, so the test checks their output shapes, shape inference and config round trip."""

from kcore.testing import LayerCase

WORDS = ("the", "cat", "sat", "on", "mat", "dog", "[UNK]", "")
SENTENCES = ("The cat sat.", "a DOG sat on the mat", "", "cat cat cat", "on, the  mat!", "ATGCCGATGA")
DNA = ("ATGCCGATGA", "GGCATT", "tata", "ACGTN", "")

LAYER_CASES = [
    LayerCase("StringLookup", {"vocabulary": ["the", "cat", "sat"]}, input_shape=(2, 3), strings=WORDS),
    LayerCase("StringLookup", {"vocabulary": ["the", "cat", "mat", "on"], "mask_token": "", "num_oov_indices": 2},
              input_shape=(3, 2), strings=WORDS),
    LayerCase("StringLookup", {"vocabulary": ["cat", "dog"], "output_mode": "multi_hot"}, input_shape=(2, 4),
              strings=WORDS),
    LayerCase("StringLookup", {"vocabulary": ["cat", "dog", "sat"], "output_mode": "one_hot"}, input_shape=(3, 1),
              strings=WORDS),
    LayerCase("StringLookup", {"vocabulary": ["[UNK]", "cat", "dog"], "idf_weights": [0.5, 1.0, 2.0],
                               "output_mode": "tf_idf"}, input_shape=(2, 3), strings=WORDS),
    LayerCase("IntegerLookup", {"vocabulary": [3, 1, 4]}, input_shape=(2, 3), integer_inputs=True, high=6),
    LayerCase("IntegerLookup", {"vocabulary": [5, 2], "mask_token": 0, "output_mode": "count", "max_tokens": 6,
                                "pad_to_max_tokens": True}, input_shape=(3, 4), integer_inputs=True, high=7),
    LayerCase("TextVectorization", {"vocabulary": ["the", "cat", "sat", "on"], "output_sequence_length": 5},
              input_shape=(4,), strings=SENTENCES),
    LayerCase("TextVectorization", {"vocabulary": ["g", "c", "a", "t"], "split": "character",
                                    "output_sequence_length": 8}, input_shape=(3, 1), strings=DNA),
    LayerCase("TextVectorization", {"vocabulary": ["cat", "the", "cat cat", "the mat"], "ngrams": 2,
                                    "output_mode": "multi_hot"}, input_shape=(4,), strings=SENTENCES),
    LayerCase("TextVectorization", {"vocabulary": ["[UNK]", "cat", "mat"], "idf_weights": [0.1, 1.5, 0.7],
                                    "output_mode": "tf_idf", "standardize": "lower"}, input_shape=(3,),
              strings=SENTENCES),
]
