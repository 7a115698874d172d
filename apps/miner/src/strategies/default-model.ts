// The default learned model, trained once and shipped, so the miner does not train at start-up (that needs the
// validator's offline reference pipeline and WordNet in memory, ~35 MB, and about a second). It is exactly what
// trainDefaultModel() returns for llmStrategyDeps() (DEFAULT_TRAINING); test/default-model.test.ts checks that, and
// `apex-miner train-discriminator --out FILE` reproduces it after a change to the features or the training data.
import type { LearnedModel } from "./learned.js";

export const DEFAULT_MODEL: LearnedModel = {
  kind: "apex-miner/logistic-regression",
  version: 1,
  features: [
    "bias",
    "sections_present",
    "sections_in_order",
    "citation_density",
    "distinct_citations",
    "has_sources",
    "source_entries",
    "dangling_citations",
    "list_fraction",
    "markdown",
    "urls_per_source",
    "log_words",
    "mean_sentence_words",
    "sd_sentence_words",
    "mean_word_length",
    "type_token_ratio",
    "query_overlap",
    "cited_sentence_fraction",
    "paragraphs_per_100_words",
    "starts_with_brace",
    "digits_fraction",
    "comma_per_sentence",
    "stopword_fraction",
  ],
  hashDims: 0,
  mean: [
    0, 0.8233333333333338, 0.8366666666666667, 2.628168225356168, 0.7716666666666665, 0.7666666666666667,
    0.7890000000000001, 0, 0.474695866205957, 0.092, 0.7666666666666667, 0.8072889551130279,
    0.6437915852911683, 0.2760525798340789, 0.8632094628171814, 0.4026164908960842, 0.34048731775044433,
    0.617722567407705, 1.8384407768649882, 0, 0.24087093971424187, 0.19598075041420113, 0.8874615030366221,
  ],
  std: [
    1, 0.36713606318215225, 0.36966952208094633, 1.7083114306586449, 0.6128326760942905, 0.4229525846816503,
    0.5972539939869247, 1, 0.22890609629450714, 0.34583618472720085, 0.4229525846816503, 0.15148667920675624,
    0.16981079036889604, 0.17327269591030733, 0.06177116278706153, 0.19187578489489623, 0.21870632646651605,
    0.38881287703281825, 1.3299581510873533, 1, 0.14227425617590345, 0.08717632730491906, 0.20366182648558528,
  ],
  weights: [
    1.063634338745054, -0.30474463330027624, -0.28440956438375703, 0.7119992399925642, 0.2263826274391379,
    -0.9134809877538429, 0.3106569686724187, 0, -1.0845456267168132, 0.13645631586611429, -0.9134809877538429,
    -0.906216792756986, -1.864565837407578, 0.8740594575236109, 0.23782870538677925, 2.8737009717903734,
    2.08852061865779, 0.20341548003165005, -1.485261442870084, 0, 0.08158987147980264, -1.239430313714411,
    -0.2507946367573803,
  ],
  threshold: 0.5,
  trainedOn: {
    examples: 300,
    seed: 20250808,
    epochs: 300,
  },
};
