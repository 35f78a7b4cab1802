"""What kcore's first-party distributions provide, known to the core without any of them installed.

This is how `kcore.layers.Conv2D` on a machine without kcore-layers-conv answers
`pip install kcore-layers-conv` instead of "unknown name". A test keeps this table in step with the
`kcore.provides` entry points of every first-party plugin.
"""

_CONV = ("Conv1D Conv2D Conv3D Conv1DTranspose Conv2DTranspose Conv3DTranspose DepthwiseConv1D DepthwiseConv2D "
         "SeparableConv1D SeparableConv2D MaxPooling1D MaxPooling2D MaxPooling3D AveragePooling1D "
         "AveragePooling2D AveragePooling3D GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D "
         "GlobalAveragePooling1D GlobalAveragePooling2D GlobalAveragePooling3D ZeroPadding1D ZeroPadding2D "
         "ZeroPadding3D Cropping1D Cropping2D Cropping3D UpSampling1D UpSampling2D UpSampling3D "
         "MaxPool1D MaxPool2D MaxPool3D AvgPool1D AvgPool2D AvgPool3D GlobalMaxPool1D GlobalMaxPool2D "
         "GlobalMaxPool3D GlobalAvgPool1D GlobalAvgPool2D GlobalAvgPool3D Convolution1D Convolution2D "
         "Convolution3D Convolution1DTranspose Convolution2DTranspose Convolution3DTranspose "
         "SeparableConvolution1D SeparableConvolution2D AdaptiveAveragePooling1D AdaptiveAveragePooling2D "
         "AdaptiveAveragePooling3D AdaptiveMaxPooling1D AdaptiveMaxPooling2D AdaptiveMaxPooling3D")
_CONV_OPS = "conv depthwise_conv separable_conv conv_transpose max_pool average_pool"

_RECURRENT = ("SimpleRNN LSTM GRU SimpleRNNCell LSTMCell GRUCell RNN StackedRNNCells Bidirectional "
              "TimeDistributed ConvLSTM1D ConvLSTM2D ConvLSTM3D")

_CORE_LAYERS = ("Dense Activation Dropout SpatialDropout1D SpatialDropout2D SpatialDropout3D GaussianNoise "
                "GaussianDropout Flatten Reshape Permute RepeatVector Embedding Masking BatchNormalization "
                "LayerNormalization Lambda Identity Add Subtract Multiply Average Maximum Minimum Concatenate "
                "Dot ReLU LeakyReLU ELU Softmax EinsumDense MultiHeadAttention Attention AdditiveAttention "
                "GroupNormalization UnitNormalization PReLU ActivityRegularization AlphaDropout RMSNormalization "
                "SpectralNormalization GroupQueryAttention GroupedQueryAttention "
                "add subtract multiply average maximum minimum concatenate dot")

_LOSSES = ("MeanSquaredError MeanAbsoluteError MeanAbsolutePercentageError MeanSquaredLogarithmicError Huber "
           "LogCosh BinaryCrossentropy CategoricalCrossentropy SparseCategoricalCrossentropy KLDivergence "
           "Poisson Hinge SquaredHinge CategoricalHinge CosineSimilarity mse mae mape msle MSE MAE MAPE MSLE "
           "bce BCE kld KLD "
           "mean_squared_error mean_absolute_error mean_absolute_percentage_error "
           "mean_squared_logarithmic_error huber log_cosh binary_crossentropy categorical_crossentropy "
           "sparse_categorical_crossentropy kl_divergence poisson hinge squared_hinge categorical_hinge "
           "cosine_similarity BinaryFocalCrossentropy CategoricalFocalCrossentropy Dice Tversky "
           "CategoricalGeneralizedCrossEntropy Circle binary_focal_crossentropy categorical_focal_crossentropy dice "
           "tversky categorical_generalized_cross_entropy circle CTC ctc")

_OPTIMIZERS = ("SGD RMSprop Adam AdamW Adagrad Adadelta Adamax Nadam Lion Lamb Adafactor Ftrl sgd rmsprop adam adamw "
               "adagrad adadelta adamax nadam lion lamb adafactor ftrl")

_SCHEDULES = ("ExponentialDecay PiecewiseConstantDecay CosineDecay CosineDecayRestarts InverseTimeDecay "
              "PolynomialDecay")

_METRICS = ("Accuracy BinaryAccuracy CategoricalAccuracy SparseCategoricalAccuracy TopKCategoricalAccuracy "
            "SparseTopKCategoricalAccuracy Sum MeanSquaredError MeanAbsoluteError RootMeanSquaredError "
            "AUC Precision Recall accuracy binary_accuracy categorical_accuracy sparse_categorical_accuracy "
            "top_k_categorical_accuracy sparse_top_k_categorical_accuracy mean_squared_error mean_absolute_error "
            "sum auc precision recall root_mean_squared_error mse MSE mae MAE "
            "BinaryCrossentropy CategoricalCrossentropy SparseCategoricalCrossentropy KLDivergence Poisson Hinge "
            "SquaredHinge CategoricalHinge MeanAbsolutePercentageError MeanSquaredLogarithmicError LogCoshError "
            "CosineSimilarity TruePositives TrueNegatives FalsePositives FalseNegatives F1Score FBetaScore R2Score "
            "binary_crossentropy categorical_crossentropy sparse_categorical_crossentropy kl_divergence poisson "
            "hinge squared_hinge categorical_hinge mean_absolute_percentage_error mean_squared_logarithmic_error "
            "log_cosh_error cosine_similarity true_positives true_negatives false_positives false_negatives "
            "f1_score f_beta_score r2_score mape MAPE msle MSLE bce BCE "
            "IoU MeanIoU BinaryIoU OneHotIoU OneHotMeanIoU PearsonCorrelation ConcordanceCorrelation "
            "PrecisionAtRecall RecallAtPrecision SensitivityAtSpecificity SpecificityAtSensitivity io_u mean_io_u "
            "binary_io_u one_hot_io_u one_hot_mean_io_u pearson_correlation concordance_correlation "
            "precision_at_recall recall_at_precision sensitivity_at_specificity specificity_at_sensitivity")

_CALLBACKS = ("EarlyStopping ReduceLROnPlateau LearningRateScheduler CSVLogger TerminateOnNaN LambdaCallback "
              "ModelCheckpoint BackupAndRestore TensorBoard RemoteMonitor")

_DATASETS = "mnist fashion_mnist cifar10 cifar100 imdb reuters boston_housing california_housing"

#: distribution -> kind -> names
FIRST_PARTY = {
    "kcore-backend-numpy": {"backend": "numpy"},
    "kcore-backend-cupy": {"backend": "cupy", "kernel": "cupy.relu cupy.sigmoid cupy.silu cupy.gelu"},
    "kcore-layers-core": {
        "layer": _CORE_LAYERS,
        "activation": "relu relu6 leaky_relu elu selu gelu sigmoid hard_sigmoid hard_silu hard_swish tanh softplus "
                      "softsign silu swish mish log_sigmoid softmax log_softmax exponential linear",
        "initializer": "Zeros Ones Constant RandomNormal RandomUniform TruncatedNormal VarianceScaling GlorotUniform "
                       "GlorotNormal HeUniform HeNormal LecunUniform LecunNormal Orthogonal OrthogonalInitializer "
                       "Identity IdentityInitializer zeros ones constant random_normal random_uniform "
                       "truncated_normal variance_scaling glorot_uniform glorot_normal he_uniform he_normal "
                       "lecun_uniform lecun_normal orthogonal identity uniform normal zero one",
        "regularizer": "L1 L2 L1L2 OrthogonalRegularizer l1 l2 l1_l2 orthogonal_regularizer",
        "constraint": "MaxNorm NonNeg UnitNorm MinMaxNorm max_norm non_neg unit_norm min_max_norm",
        "op": "bias_relu",
        "kernel": "numpy.bias_relu",
    },
    "kcore-layers-conv": {"layer": _CONV, "op": _CONV_OPS, "kernel": "numpy.conv numpy.max_pool"},
    "kcore-layers-recurrent": {"layer": _RECURRENT, "op": "lstm gru simple_rnn", "kernel": "numpy.lstm"},
    "kcore-losses": {"loss": _LOSSES},
    "kcore-optimizers": {"optimizer": _OPTIMIZERS, "schedule": _SCHEDULES,
                         "kernel": "numpy.adam_update"},
    "kcore-metrics": {"metric": _METRICS},
    "kcore-callbacks": {"callback": _CALLBACKS},
    "kcore-datasets": {"dataset": _DATASETS},
    "kcore-layers-preprocessing": {"layer": "StringLookup IntegerLookup TextVectorization Rescaling Normalization "
                                            "Resizing CenterCrop RandomCrop RandomFlip RandomRotation RandomZoom "
                                            "RandomTranslation RandomContrast RandomBrightness CategoryEncoding "
                                            "Discretization RandomGrayscale RandomInvert Solarization "
                                            "RandomPosterization AutoContrast RandomSaturation RandomHue "
                                            "RandomSharpness RandomErasing RandomGaussianBlur "
                                            "RandomColorDegeneration RandomColorJitter RandomShear"},
    "kcore-distribute-mpi": {"distribution": "mpi nccl"},
}


def distribution_for(kind, name):
    """The first-party distribution that provides `name` of `kind`, or None."""
    for distribution, kinds in FIRST_PARTY.items():
        if name in kinds.get(kind, "").split():
            return distribution
    return None


def names(kind):
    return sorted({n for kinds in FIRST_PARTY.values() for n in kinds.get(kind, "").split()})
