;; Word2Vec training in WebAssembly SIMD — the fast path of word2vec.ts (the reference path there
;; is the same algorithm in plain TypeScript; word2vec.test.ts checks they agree).
;;
;; One call, train_job, trains on one job (≤ 10,000 words in whole sentences), exactly as gensim's
;; train_batch_sg / train_batch_cbow (word2vec_inner.pyx) do: drop subsampled words, draw a reduced
;; window per word, then for each word update the vectors with negative sampling and/or
;; hierarchical softmax. The weights live in a shared memory: several workers (threads) call
;; train_job at once on different jobs and update the same rows without locks (Hogwild, as
;; word2vec.c and gensim do) — except the few most used rows, which each worker updates in a copy
;; of its own and adds to the shared rows at the end of each job (see $hot).
;;
;; Vectors are float32 rows of D floats, D a multiple of 4 (word2vec-fast.ts pads vectorSize with
;; zeros, which stay zero), so every dot/axpy is a loop of f32x4 operations. Rows are $stride bytes
;; apart (≥ 4·D).
;;
;; Every multiply-add is written f32x4.relaxed_madd (a·b + c): scripts/build-wasm.mjs assembles this
;; file twice — as written (features simd + relaxed simd + threads) into src/word2vec-fma-wasm.ts,
;; fused where the CPU has FMA (one rounding per multiply-add), and with each
;; (f32x4.relaxed_madd a b c) rewritten (f32x4.add (f32x4.mul a b) c) into src/word2vec-wasm.ts,
;; plain SIMD for runtimes without relaxed SIMD (Node 20). word2vec-fast.ts picks one at load.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; ---- configuration (init reads it from a block of i32s; per instance, i.e. per worker) ----
  (global $D (mut i32) (i32.const 0))        ;; floats per row
  (global $rowBytes (mut i32) (i32.const 0)) ;; 4·D
  (global $stride (mut i32) (i32.const 0))   ;; bytes from one row to the next (≥ 4·D; 64-byte multiple: rows own their cache lines)
  (global $syn0 (mut i32) (i32.const 0))     ;; input vectors W_in  (V × D)
  (global $syn1neg (mut i32) (i32.const 0))  ;; output vectors for negative sampling (V × D)
  (global $syn1 (mut i32) (i32.const 0))     ;; inner-node vectors for hierarchical softmax (V × D)
  (global $cum (mut i32) (i32.const 0))      ;; u32 cum_table (V)
  (global $cumLen (mut i32) (i32.const 0))
  (global $sampleInt (mut i32) (i32.const 0));; u32 keep thresholds (V)
  (global $buckets (mut i32) (i32.const 0))  ;; u32 bucket index into cum_table (65,537)
  (global $codeOff (mut i32) (i32.const 0))  ;; u32 per word: offset of its code in codes/points
  (global $codeLen (mut i32) (i32.const 0))  ;; u32 per word: Huffman code length
  (global $codes (mut i32) (i32.const 0))    ;; u8 codes
  (global $points (mut i32) (i32.const 0))   ;; u32 inner nodes
  (global $expTab (mut i32) (i32.const 0))   ;; f32 σ(x) table, 1000 entries over (−6, 6)
  (global $logTab (mut i32) (i32.const 0))   ;; f32 log σ(x) table
  (global $window (mut i32) (i32.const 0))
  (global $negative (mut i32) (i32.const 0))
  (global $hs (mut i32) (i32.const 0))
  (global $sg (mut i32) (i32.const 0))
  (global $cbowMean (mut i32) (i32.const 0))
  (global $sample (mut i32) (i32.const 0))
  (global $computeLoss (mut i32) (i32.const 0))
  (global $cumTotal (mut i32) (i32.const 0)) ;; cum_table[-1] (gensim: 2^31 − 1)
  (global $cumInv (mut f64) (f64.const 0))   ;; 1 / cum_table[-1]
  (global $V (mut i32) (i32.const 0))         ;; vocabulary size
  (global $lock (mut i32) (i32.const 0))      ;; i32 in shared memory: 1 while a worker merges its hot rows

  ;; ---- hot rows (per worker; set by init_hot, none by default) ----
  ;; Each worker keeps its own copy of the $hot most used rows of every table: syn0 and syn1neg
  ;; rows 0 … hot − 1 (the most frequent words: the vocabulary is sorted by count, and the noise
  ;; distribution follows the counts), syn1 rows V − 1 − hot … V − 2 (the inner nodes nearest the
  ;; Huffman root: nodes are numbered as they are merged, in order of count, the root last). A job
  ;; starts from the shared rows (copied into $priv and $base), updates its copies, and at its end
  ;; adds what it changed (priv − base) to the shared rows, one worker at a time. Two workers
  ;; writing the same rows of a shared table pass their cache lines back and forth at every update;
  ;; the most used rows are used by every job (with hierarchical softmax, the root's rows by every
  ;; word). Measured on 17M words, 2 workers, against gensim in the same runs: hierarchical softmax
  ;; sharing every row 1.09–1.41× gensim, with the copies 1.58–2.30× (skip-gram and CBOW, 2–3 runs
  ;; each); skip-gram with negative sampling 35–56 s sharing every row (5 runs), 29–58 s with the
  ;; copies (9 runs) — there the spread of this 2-core VM from run to run is larger than the change.
  (global $hot (mut i32) (i32.const 0))
  (global $syncWords (mut i32) (i32.const 0)) ;; trained words between two merges (see train_job)
  (global $hsHot (mut i32) (i32.const 0))     ;; hot inner nodes: min(hot, V − 1)
  (global $hsHot0 (mut i32) (i32.const 0))    ;; the first of them: V − 1 − hsHot (no inner node when none)
  (global $priv0 (mut i32) (i32.const 0))     ;; this worker's copies: syn0, syn1neg, syn1 (hot rows each)
  (global $privNeg (mut i32) (i32.const 0))
  (global $priv1 (mut i32) (i32.const 0))
  (global $baseOff (mut i32) (i32.const 0))   ;; bytes from a copy to its base (the rows as the job found them)

  ;; ---- per-call state ----
  (global $rnd (mut i64) (i64.const 0))      ;; gensim's next_random (48-bit LCG)
  (global $work (mut i32) (i32.const 0))     ;; D floats: accumulated error for the input vector(s)
  (global $neu1 (mut i32) (i32.const 0))     ;; D floats: CBOW's mean context vector
  (global $fs (mut i32) (i32.const 0))       ;; MAX_TERMS f32: the dot products of one batch of terms
  (global $ts (mut i32) (i32.const 0))       ;; MAX_TERMS i32: the rows (byte addresses) of those terms
  (global $loss (mut f64) (f64.const 0))     ;; Σ −log σ(±u·v) over this job's terms
  (global $terms (mut f64) (f64.const 0))    ;; number of those terms

  (func (export "init") (param $cfg i32)
    (global.set $D (i32.load offset=0 (local.get $cfg)))
    (global.set $rowBytes (i32.shl (global.get $D) (i32.const 2)))
    (global.set $stride (i32.load offset=84 (local.get $cfg)))
    (global.set $lock (i32.add (local.get $cfg) (i32.const 88)))
    (global.set $syn0 (i32.load offset=4 (local.get $cfg)))
    (global.set $syn1neg (i32.load offset=8 (local.get $cfg)))
    (global.set $syn1 (i32.load offset=12 (local.get $cfg)))
    (global.set $cum (i32.load offset=16 (local.get $cfg)))
    (global.set $cumLen (i32.load offset=20 (local.get $cfg)))
    (global.set $sampleInt (i32.load offset=24 (local.get $cfg)))
    (global.set $codeOff (i32.load offset=28 (local.get $cfg)))
    (global.set $codeLen (i32.load offset=32 (local.get $cfg)))
    (global.set $codes (i32.load offset=36 (local.get $cfg)))
    (global.set $points (i32.load offset=40 (local.get $cfg)))
    (global.set $expTab (i32.load offset=44 (local.get $cfg)))
    (global.set $logTab (i32.load offset=48 (local.get $cfg)))
    (global.set $window (i32.load offset=52 (local.get $cfg)))
    (global.set $negative (i32.load offset=56 (local.get $cfg)))
    (global.set $hs (i32.load offset=60 (local.get $cfg)))
    (global.set $sg (i32.load offset=64 (local.get $cfg)))
    (global.set $cbowMean (i32.load offset=68 (local.get $cfg)))
    (global.set $sample (i32.load offset=72 (local.get $cfg)))
    (global.set $buckets (i32.load offset=76 (local.get $cfg)))
    (global.set $computeLoss (i32.load offset=80 (local.get $cfg)))
    (global.set $cumTotal (i32.load (i32.add (global.get $cum)
      (i32.shl (i32.sub (global.get $cumLen) (i32.const 1)) (i32.const 2)))))
    (global.set $cumInv (f64.div (f64.const 1) (f64.convert_i32_u (global.get $cumTotal))))
    (global.set $V (global.get $cumLen))
    (global.set $hsHot0 (i32.sub (global.get $V) (i32.const 1))))

  ;; This worker's copies of the hot rows (see $hot): `hot` rows per table at $at (3 · 2 · hot · stride
  ;; bytes: the copies of syn0, syn1neg, syn1, then their bases), merged after every sentence that
  ;; takes the words trained since the last merge to $syncWords or more, and at the job's end.
  ;; hot = 0: every row is shared.
  (func (export "init_hot") (param $at i32) (param $hot i32) (param $syncWords i32)
    (local $tbl i32)
    (global.set $syncWords (local.get $syncWords))
    (if (i32.gt_u (local.get $hot) (global.get $V)) (then (local.set $hot (global.get $V))))
    (global.set $hot (local.get $hot))
    (global.set $hsHot (local.get $hot))
    (if (i32.ge_u (global.get $hsHot) (global.get $V)) (then (global.set $hsHot (i32.sub (global.get $V) (i32.const 1)))))
    (global.set $hsHot0 (i32.sub (i32.sub (global.get $V) (i32.const 1)) (global.get $hsHot)))
    (local.set $tbl (i32.mul (local.get $hot) (global.get $stride)))
    (global.set $priv0 (local.get $at))
    (global.set $privNeg (i32.add (local.get $at) (local.get $tbl)))
    (global.set $priv1 (i32.add (local.get $at) (i32.shl (local.get $tbl) (i32.const 1))))
    (global.set $baseOff (i32.mul (local.get $tbl) (i32.const 3))))

  ;; row addresses: this worker's copy for a hot row, the shared row otherwise
  (func $inRow (param $w i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $w) (global.get $hot))
      (then (i32.add (global.get $priv0) (i32.mul (local.get $w) (global.get $stride))))
      (else (i32.add (global.get $syn0) (i32.mul (local.get $w) (global.get $stride))))))
  (func $negRow (param $w i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $w) (global.get $hot))
      (then (i32.add (global.get $privNeg) (i32.mul (local.get $w) (global.get $stride))))
      (else (i32.add (global.get $syn1neg) (i32.mul (local.get $w) (global.get $stride))))))
  (func $hsRow (param $p i32) (result i32)
    (if (result i32) (i32.ge_u (local.get $p) (global.get $hsHot0))
      (then (i32.add (global.get $priv1) (i32.mul (i32.sub (local.get $p) (global.get $hsHot0)) (global.get $stride))))
      (else (i32.add (global.get $syn1) (i32.mul (local.get $p) (global.get $stride))))))

  ;; $n rows from $from to $to and to $to + $baseOff (a job's start: copies and bases)
  (func $hotLoad (param $from i32) (param $to i32) (param $n i32)
    (local $end i32) (local $v v128)
    (local.set $end (i32.add (local.get $from) (i32.mul (local.get $n) (global.get $stride))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $from) (local.get $end)))
        (local.set $v (v128.load (local.get $from)))
        (v128.store (local.get $to) (local.get $v))
        (v128.store (i32.add (local.get $to) (global.get $baseOff)) (local.get $v))
        (local.set $from (i32.add (local.get $from) (i32.const 16)))
        (local.set $to (i32.add (local.get $to) (i32.const 16)))
        (br $l))))

  ;; shared += copy − base over $n rows (a job's end)
  (func $hotMerge (param $shared i32) (param $copy i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $shared) (i32.mul (local.get $n) (global.get $stride))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $shared) (local.get $end)))
        (v128.store (local.get $shared)
          (f32x4.add (v128.load (local.get $shared))
            (f32x4.sub (v128.load (local.get $copy)) (v128.load (i32.add (local.get $copy) (global.get $baseOff))))))
        (local.set $shared (i32.add (local.get $shared) (i32.const 16)))
        (local.set $copy (i32.add (local.get $copy) (i32.const 16)))
        (br $l))))

  (func $hotStart
    (call $hotLoad (global.get $syn0) (global.get $priv0) (global.get $hot))
    (if (global.get $negative) (then (call $hotLoad (global.get $syn1neg) (global.get $privNeg) (global.get $hot))))
    (if (global.get $hs)
      (then (call $hotLoad (i32.add (global.get $syn1) (i32.mul (global.get $hsHot0) (global.get $stride)))
        (global.get $priv1) (global.get $hsHot)))))

  (func $hotEnd
    ;; one worker at a time: two merges at once could each read a row before the other's add
    (block $got
      (loop $spin
        (br_if $got (i32.eqz (i32.atomic.rmw.cmpxchg (global.get $lock) (i32.const 0) (i32.const 1))))
        (br $spin)))
    (call $hotMerge (global.get $syn0) (global.get $priv0) (global.get $hot))
    (if (global.get $negative) (then (call $hotMerge (global.get $syn1neg) (global.get $privNeg) (global.get $hot))))
    (if (global.get $hs)
      (then (call $hotMerge (i32.add (global.get $syn1) (i32.mul (global.get $hsHot0) (global.get $stride)))
        (global.get $priv1) (global.get $hsHot))))
    (i32.atomic.store (global.get $lock) (i32.const 0)))

  (func (export "loss") (result f64) (global.get $loss))
  (func (export "terms") (result f64) (global.get $terms))

  ;; random_int32: r = (next_random >> 16) & 0xffffffff; next_random = (next_random · 25214903917 + 11) mod 2^48
  (func $rand32 (result i32)
    (local $r i32)
    (local.set $r (i32.wrap_i64 (i64.shr_u (global.get $rnd) (i64.const 16))))
    (global.set $rnd
      (i64.and
        (i64.add (i64.mul (global.get $rnd) (i64.const 25214903917)) (i64.const 11))
        (i64.const 281474976710655)))
    (local.get $r))

  ;; u·v over one row (D floats): four f32x4 sums (four independent chains of multiply-adds, so
  ;; that each waits less on the previous one's latency), then ((s0 + s1) + (s2 + s3)) and the lanes
  ;; ((l0 + l1) + (l2 + l3))
  (func $dot (param $a i32) (param $b i32) (result f32)
    (local $end i32) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $end (i32.add (local.get $a) (global.get $rowBytes)))
    (block $quads
      (loop $l
        (br_if $quads (i32.gt_u (i32.add (local.get $a) (i32.const 64)) (local.get $end)))
        (local.set $s0 (f32x4.relaxed_madd (v128.load (local.get $a)) (v128.load (local.get $b)) (local.get $s0)))
        (local.set $s1
          (f32x4.relaxed_madd (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)) (local.get $s1)))
        (local.set $s2
          (f32x4.relaxed_madd (v128.load offset=32 (local.get $a)) (v128.load offset=32 (local.get $b)) (local.get $s2)))
        (local.set $s3
          (f32x4.relaxed_madd (v128.load offset=48 (local.get $a)) (v128.load offset=48 (local.get $b)) (local.get $s3)))
        (local.set $a (i32.add (local.get $a) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 64)))
        (br $l)))
    ;; the last 0–3 vectors of 4 floats
    (block $tail
      (loop $t
        (br_if $tail (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s0 (f32x4.relaxed_madd (v128.load (local.get $a)) (v128.load (local.get $b)) (local.get $s0)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $t)))
    (local.set $s0 (f32x4.add (f32x4.add (local.get $s0) (local.get $s1)) (f32x4.add (local.get $s2) (local.get $s3))))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 1 (local.get $s0)))
      (f32.add (f32x4.extract_lane 2 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0)))))

  ;; y += g·x over one row
  (func $axpy (param $g f32) (param $x i32) (param $y i32)
    (local $end i32) (local $gv v128)
    (local.set $gv (f32x4.splat (local.get $g)))
    (local.set $end (i32.add (local.get $x) (global.get $rowBytes)))
    (block $tail
      (loop $l
        (br_if $tail (i32.gt_u (i32.add (local.get $x) (i32.const 32)) (local.get $end)))
        (v128.store (local.get $y) (f32x4.relaxed_madd (local.get $gv) (v128.load (local.get $x)) (v128.load (local.get $y))))
        (v128.store offset=16 (local.get $y)
          (f32x4.relaxed_madd (local.get $gv) (v128.load offset=16 (local.get $x)) (v128.load offset=16 (local.get $y))))
        (local.set $x (i32.add (local.get $x) (i32.const 32)))
        (local.set $y (i32.add (local.get $y) (i32.const 32)))
        (br $l)))
    (if (i32.lt_u (local.get $x) (local.get $end))
      (then
        (v128.store (local.get $y) (f32x4.relaxed_madd (local.get $gv) (v128.load (local.get $x)) (v128.load (local.get $y)))))))

  ;; the two updates of one logistic term, fused into one pass over the rows:
  ;;   work += g·u  (with u before its update)      u += g·h
  (func $update (param $g f32) (param $h i32) (param $u i32)
    (local $end i32) (local $gv v128) (local $w i32) (local $a v128) (local $b v128)
    (local.set $gv (f32x4.splat (local.get $g)))
    (local.set $w (global.get $work))
    (local.set $end (i32.add (local.get $h) (global.get $rowBytes)))
    (block $tail
      (loop $l
        (br_if $tail (i32.gt_u (i32.add (local.get $h) (i32.const 32)) (local.get $end)))
        (local.set $a (v128.load (local.get $u)))
        (local.set $b (v128.load offset=16 (local.get $u)))
        (v128.store (local.get $w) (f32x4.relaxed_madd (local.get $gv) (local.get $a) (v128.load (local.get $w))))
        (v128.store offset=16 (local.get $w)
          (f32x4.relaxed_madd (local.get $gv) (local.get $b) (v128.load offset=16 (local.get $w))))
        (v128.store (local.get $u) (f32x4.relaxed_madd (local.get $gv) (v128.load (local.get $h)) (local.get $a)))
        (v128.store offset=16 (local.get $u)
          (f32x4.relaxed_madd (local.get $gv) (v128.load offset=16 (local.get $h)) (local.get $b)))
        (local.set $h (i32.add (local.get $h) (i32.const 32)))
        (local.set $u (i32.add (local.get $u) (i32.const 32)))
        (local.set $w (i32.add (local.get $w) (i32.const 32)))
        (br $l)))
    (if (i32.lt_u (local.get $h) (local.get $end))
      (then
        (local.set $a (v128.load (local.get $u)))
        (v128.store (local.get $w) (f32x4.relaxed_madd (local.get $gv) (local.get $a) (v128.load (local.get $w))))
        (v128.store (local.get $u) (f32x4.relaxed_madd (local.get $gv) (v128.load (local.get $h)) (local.get $a))))))

  ;; x *= s over one row
  (func $scale (param $x i32) (param $s f32)
    (local $end i32) (local $sv v128)
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $end (i32.add (local.get $x) (global.get $rowBytes)))
    (loop $l
      (v128.store (local.get $x) (f32x4.mul (v128.load (local.get $x)) (local.get $sv)))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $x) (local.get $end)))))

  ;; x = 0 over one row (a store loop: memory.fill calls out of the compiled code)
  (func $zero (param $x i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (global.get $rowBytes)))
    (loop $l
      (v128.store (local.get $x) (v128.const i64x2 0 0))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $x) (local.get $end)))))

  ;; table index for x ∈ (−6, 6): ⌊(x + 6) · 1000/12⌋ (float32 arithmetic)
  (func $tabIdx (param $x f32) (result i32)
    (i32.shl
      (i32.trunc_f32_s (f32.mul (f32.add (local.get $x) (f32.const 6)) (f32.const 83.33333333)))
      (i32.const 2)))

  ;; one logistic term: g = (label − σ(f))·alpha, loss += −log σ(±f); returns nan-free g
  ;; (the caller has checked −6 < f < 6)
  (func $grad (param $f f32) (param $label f32) (param $alpha f32) (result f32)
    (local $s f32)
    ;; loss of this term: −log σ(f) for label 1, −log σ(−f) for label 0
    (local.set $s (if (result f32) (f32.gt (local.get $label) (f32.const 0.5))
      (then (local.get $f)) (else (f32.neg (local.get $f)))))
    (if (global.get $computeLoss)
      (then
        (global.set $loss (f64.sub (global.get $loss)
          (f64.promote_f32 (f32.load (i32.add (global.get $logTab) (call $tabIdx (local.get $s)))))))
        (global.set $terms (f64.add (global.get $terms) (f64.const 1)))))
    (f32.mul
      (f32.sub (local.get $label) (f32.load (i32.add (global.get $expTab) (call $tabIdx (local.get $f)))))
      (local.get $alpha)))

  ;; bisect_left(cum_table, x): first index whose entry is ≥ x — the same answer as a binary search
  ;; over the whole table, found faster. A bucket index narrows the range first: bucket b covers
  ;; x ∈ [b·2^15, (b+1)·2^15) and bucketStart[b] = bisect_left(cum_table, b·2^15), so the answer lies in
  ;; [bucketStart[b], bucketStart[b+1]] (usually a few entries). Then a branch-free search over that
  ;; range (`select` is a conditional move: the draws are random, a branch would mispredict):
  ;;   base = lo, n = hi − lo + 1;  while n > 1: half = n/2; if cum[base + half] < x: base += half; n −= half
  ;;   return base + (cum[base] < x)
  (func $bisect (param $x i32) (result i32)
    (local $base i32) (local $n i32) (local $half i32) (local $b i32)
    (local.set $b (i32.add (global.get $buckets) (i32.shl (i32.shr_u (local.get $x) (i32.const 15)) (i32.const 2))))
    (local.set $base (i32.load (local.get $b)))
    (local.set $n (i32.add (i32.sub (i32.load offset=4 (local.get $b)) (local.get $base)) (i32.const 1)))
    (block $done
      (loop $l
        (br_if $done (i32.le_u (local.get $n) (i32.const 1)))
        (local.set $half (i32.shr_u (local.get $n) (i32.const 1)))
        (local.set $base
          (select
            (i32.add (local.get $base) (local.get $half))
            (local.get $base)
            (i32.lt_u
              (i32.load (i32.add (global.get $cum) (i32.shl (i32.add (local.get $base) (local.get $half)) (i32.const 2))))
              (local.get $x))))
        (local.set $n (i32.sub (local.get $n) (local.get $half)))
        (br $l)))
    (i32.add (local.get $base)
      (i32.lt_u (i32.load (i32.add (global.get $cum) (i32.shl (local.get $base) (i32.const 2)))) (local.get $x))))

;; x mod cum_table[-1] without a division (a division is ~25 cycles, and this runs 5× per pair):
  ;; q = ⌊x · (1/m)⌋ in float64 is the true quotient or off by one (x < 2^32, the product's error is
  ;; ≪ 1), so r = x − q·m is fixed up into [0, m) by one add or subtract — the exact remainder.
  (func $modTotal (param $x i32) (result i32)
    (local $r i64) (local $m i64)
    (local.set $m (i64.extend_i32_u (global.get $cumTotal)))
    (local.set $r (i64.sub (i64.extend_i32_u (local.get $x))
      (i64.mul (i64.trunc_f64_u (f64.mul (f64.convert_i32_u (local.get $x)) (global.get $cumInv))) (local.get $m))))
    (if (i64.lt_s (local.get $r) (i64.const 0)) (then (local.set $r (i64.add (local.get $r) (local.get $m)))))
    (if (i64.ge_s (local.get $r) (local.get $m)) (then (local.set $r (i64.sub (local.get $r) (local.get $m)))))
    (i32.wrap_i64 (local.get $r)))

  ;; The terms of one word against the input row $l1 (skip-gram: a syn0 row; CBOW: neu1): $ts[0..n)
  ;; holds each term's output row (a byte address, a multiple of 16) plus its label (0 or 1):
  ;;   f = l1·u;  unless |f| ≥ 6:  g = (label − σ(f))·alpha;  work += g·u;  u += g·l1
  ;; The dot products come first, all of them, then the updates: the rows are random rows of a
  ;; table larger than the caches, and dots in a row (independent of each other) wait for their
  ;; cache misses together rather than one after the other. The same numbers as term after term
  ;; when the rows are distinct (l1 does not change here, each update touches its own row only) —
  ;; the caller checks that, and has terms over a repeated row done one after the other.
  (func $terms (param $n i32) (param $l1 i32) (param $alpha f32) (param $batch i32)
    (local $i i32) (local $k i32) (local $f f32) (local $u i32) (local $label f32)
    (if (i32.eqz (local.get $batch))
      (then
        ;; term after term
        (block $done
          (loop $l
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (block $next
              (local.set $u (i32.load (i32.add (global.get $ts) (i32.shl (local.get $i) (i32.const 2)))))
              (local.set $label (f32.convert_i32_u (i32.and (local.get $u) (i32.const 1))))
              (local.set $u (i32.and (local.get $u) (i32.const -16)))
              (local.set $f (call $dot (local.get $l1) (local.get $u)))
              (br_if $next (f32.le (local.get $f) (f32.const -6)))
              (br_if $next (f32.ge (local.get $f) (f32.const 6)))
              (call $update (call $grad (local.get $f) (local.get $label) (local.get $alpha)) (local.get $l1) (local.get $u)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $l)))
        (return)))
    ;; 1. the dot products
    (block $dDone
      (loop $d
        (br_if $dDone (i32.ge_u (local.get $i) (local.get $n)))
        (f32.store (i32.add (global.get $fs) (i32.shl (local.get $i) (i32.const 2)))
          (call $dot (local.get $l1)
            (i32.and (i32.load (i32.add (global.get $ts) (i32.shl (local.get $i) (i32.const 2)))) (i32.const -16))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $d)))
    ;; 2. the gradients of the terms inside (−6, 6), compacted in place: $fs[k] = g, $ts[k] = row
    (local.set $i (i32.const 0))
    (block $gDone
      (loop $gl
        (br_if $gDone (i32.ge_u (local.get $i) (local.get $n)))
        (block $skip
          (local.set $u (i32.load (i32.add (global.get $ts) (i32.shl (local.get $i) (i32.const 2)))))
          (local.set $f (f32.load (i32.add (global.get $fs) (i32.shl (local.get $i) (i32.const 2)))))
          (br_if $skip (f32.le (local.get $f) (f32.const -6)))
          (br_if $skip (f32.ge (local.get $f) (f32.const 6)))
          (f32.store (i32.add (global.get $fs) (i32.shl (local.get $k) (i32.const 2)))
            (call $grad (local.get $f) (f32.convert_i32_u (i32.and (local.get $u) (i32.const 1))) (local.get $alpha)))
          (i32.store (i32.add (global.get $ts) (i32.shl (local.get $k) (i32.const 2))) (i32.and (local.get $u) (i32.const -16)))
          (local.set $k (i32.add (local.get $k) (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $gl)))
    (if (local.get $k) (then (call $updateAll (local.get $k) (local.get $l1)))))

  ;; the updates of $k terms (gradients $fs[0..k), rows $ts[0..k)) in one pass over the columns:
  ;;   for each 8 floats (then the last 4): work += g_j·u_j and u_j += g_j·l1 for j = 0, 1, …, k − 1
  ;; work and l1 are loaded once per 8 floats rather than once per term; per lane the same
  ;; operations in the same order as $update term after term (the same numbers)
  (func $updateAll (param $k i32) (param $l1 i32)
    (local $c i32) (local $j i32) (local $w0 v128) (local $w1 v128) (local $x0 v128) (local $x1 v128)
    (local $a0 v128) (local $a1 v128) (local $g v128) (local $u i32) (local $end8 i32)
    (local.set $end8 (i32.and (global.get $rowBytes) (i32.const -32)))
    (block $pairsDone
      (loop $cols
        (br_if $pairsDone (i32.ge_u (local.get $c) (local.get $end8)))
        (local.set $w0 (v128.load (i32.add (global.get $work) (local.get $c))))
        (local.set $w1 (v128.load offset=16 (i32.add (global.get $work) (local.get $c))))
        (local.set $x0 (v128.load (i32.add (local.get $l1) (local.get $c))))
        (local.set $x1 (v128.load offset=16 (i32.add (local.get $l1) (local.get $c))))
        (local.set $j (i32.const 0))
        (loop $rows
          (local.set $g (v128.load32_splat (i32.add (global.get $fs) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $u (i32.add (local.get $c) (i32.load (i32.add (global.get $ts) (i32.shl (local.get $j) (i32.const 2))))))
          (local.set $a0 (v128.load (local.get $u)))
          (local.set $a1 (v128.load offset=16 (local.get $u)))
          (local.set $w0 (f32x4.relaxed_madd (local.get $g) (local.get $a0) (local.get $w0)))
          (local.set $w1 (f32x4.relaxed_madd (local.get $g) (local.get $a1) (local.get $w1)))
          (v128.store (local.get $u) (f32x4.relaxed_madd (local.get $g) (local.get $x0) (local.get $a0)))
          (v128.store offset=16 (local.get $u) (f32x4.relaxed_madd (local.get $g) (local.get $x1) (local.get $a1)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $rows (i32.lt_u (local.get $j) (local.get $k))))
        (v128.store (i32.add (global.get $work) (local.get $c)) (local.get $w0))
        (v128.store offset=16 (i32.add (global.get $work) (local.get $c)) (local.get $w1))
        (local.set $c (i32.add (local.get $c) (i32.const 32)))
        (br $cols)))
    (if (i32.lt_u (local.get $c) (global.get $rowBytes))
      (then
        (local.set $w0 (v128.load (i32.add (global.get $work) (local.get $c))))
        (local.set $x0 (v128.load (i32.add (local.get $l1) (local.get $c))))
        (local.set $j (i32.const 0))
        (loop $rows
          (local.set $g (v128.load32_splat (i32.add (global.get $fs) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $u (i32.add (local.get $c) (i32.load (i32.add (global.get $ts) (i32.shl (local.get $j) (i32.const 2))))))
          (local.set $a0 (v128.load (local.get $u)))
          (local.set $w0 (f32x4.relaxed_madd (local.get $g) (local.get $a0) (local.get $w0)))
          (v128.store (local.get $u) (f32x4.relaxed_madd (local.get $g) (local.get $x0) (local.get $a0)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $rows (i32.lt_u (local.get $j) (local.get $k))))
        (v128.store (i32.add (global.get $work) (local.get $c)) (local.get $w0)))))

  ;; negative sampling against the row at $l1 (syn0 row for skip-gram, neu1 for CBOW):
  ;; target `word` with label 1, then `negative` draws from the unigram^0.75 table with label 0
  ;; (a draw equal to `word` is skipped). All draws first (they do not depend on the updates), then
  ;; the terms, batched unless a noise word was drawn twice.
  (func $negSample (param $word i32) (param $l1 i32) (param $alpha f32)
    (local $d i32) (local $t i32) (local $n i32) (local $x i32) (local $i i32) (local $batch i32)
    (i32.store (global.get $ts)
      (i32.add (call $negRow (local.get $word)) (i32.const 1)))
    (local.set $n (i32.const 1))
    (local.set $batch (i32.const 1))
    (local.set $d (i32.const 1))
    (block $done
      (loop $l
        (br_if $done (i32.gt_u (local.get $d) (global.get $negative)))
        (block $next
          ;; x = (next_random >> 16) mod cum_table[-1]; then step the generator
          (local.set $x (call $modTotal (i32.wrap_i64 (i64.shr_u (global.get $rnd) (i64.const 16)))))
          (drop (call $rand32))
          (local.set $t (call $bisect (local.get $x)))
          (br_if $next (i32.eq (local.get $t) (local.get $word)))
          (local.set $t (call $negRow (local.get $t)))
          ;; a full batch (negative ≥ 64) goes first
          (if (i32.eq (local.get $n) (i32.const 64))
            (then
              (call $terms (local.get $n) (local.get $l1) (local.get $alpha) (local.get $batch))
              (local.set $n (i32.const 0))
              (local.set $batch (i32.const 1))))
          ;; a repeated noise word: its second term must see the first one's update (the word's own
          ;; entry carries label 1 in its low bit and never matches)
          (local.set $i (i32.const 0))
          (block $seen
            (loop $s
              (br_if $seen (i32.ge_u (local.get $i) (local.get $n)))
              (if (i32.eq (local.get $t) (i32.load (i32.add (global.get $ts) (i32.shl (local.get $i) (i32.const 2)))))
                (then (local.set $batch (i32.const 0))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $s)))
          (i32.store (i32.add (global.get $ts) (i32.shl (local.get $n) (i32.const 2))) (local.get $t))
          (local.set $n (i32.add (local.get $n) (i32.const 1))))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $l)))
    (call $terms (local.get $n) (local.get $l1) (local.get $alpha) (local.get $batch)))

  ;; hierarchical softmax: one logistic term per inner node on `word`'s Huffman path, label 1 − code,
  ;; in pieces of at most MAX_TERMS (64), term after term. Not batched, although the inner nodes of
  ;; one path are distinct: every path starts at the root, so with two workers the top rows are
  ;; written by both, and the batched pass (all dot products, then one column-major pass over the
  ;; path's rows) held their cache lines long enough to lose them to the other worker between
  ;; touches. Measured, skip-gram HS at 2 workers on 17M words, one quiet session: batched 189k–539k
  ;; words/s (0.45–1.06× gensim), term after term 568k–632k (1.51–1.55×).
  (func $hsPath (param $word i32) (param $l1 i32) (param $alpha f32)
    (local $b i32) (local $n i32) (local $off i32) (local $m i32) (local $i i32) (local $at i32)
    (local.set $off (i32.load (i32.add (global.get $codeOff) (i32.shl (local.get $word) (i32.const 2)))))
    (local.set $n (i32.load (i32.add (global.get $codeLen) (i32.shl (local.get $word) (i32.const 2)))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $b) (local.get $n)))
        (local.set $m (i32.sub (local.get $n) (local.get $b)))
        (if (i32.gt_u (local.get $m) (i32.const 64)) (then (local.set $m (i32.const 64))))
        (local.set $i (i32.const 0))
        (block $pDone
          (loop $p
            (br_if $pDone (i32.ge_u (local.get $i) (local.get $m)))
            (local.set $at (i32.add (local.get $off) (i32.add (local.get $b) (local.get $i))))
            (i32.store (i32.add (global.get $ts) (i32.shl (local.get $i) (i32.const 2)))
              (i32.add
                (call $hsRow (i32.load (i32.add (global.get $points) (i32.shl (local.get $at) (i32.const 2)))))
                (i32.sub (i32.const 1) (i32.load8_u (i32.add (global.get $codes) (local.get $at))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $p)))
        (call $terms (local.get $m) (local.get $l1) (local.get $alpha) (i32.const 0))
        (local.set $b (i32.add (local.get $b) (local.get $m)))
        (br $l))))

  ;; CBOW input: neu1 = Σ syn0[eff[m]] for m in [j, k), m ≠ i; divided by the count when cbowMean.
  ;; Returns 1/count (1 when there is no context word).
  (func $cbowInput (param $eff i32) (param $i i32) (param $j i32) (param $k i32) (result f32)
    (local $m i32) (local $count f32) (local $inv f32)
    (call $zero (global.get $neu1))
    (local.set $m (local.get $j))
    (block $done
      (loop $l
        (br_if $done (i32.ge_s (local.get $m) (local.get $k)))
        (if (i32.ne (local.get $m) (local.get $i))
          (then
            (local.set $count (f32.add (local.get $count) (f32.const 1)))
            (call $axpy (f32.const 1)
              (call $inRow (i32.load (i32.add (local.get $eff) (i32.shl (local.get $m) (i32.const 2)))))
              (global.get $neu1))))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br $l)))
    (local.set $inv (f32.const 1))
    (if (f32.gt (local.get $count) (f32.const 0.5))
      (then (local.set $inv (f32.div (f32.const 1) (local.get $count)))))
    (if (global.get $cbowMean) (then (call $scale (global.get $neu1) (local.get $inv))))
    (local.get $inv))

  ;; CBOW output: syn0[eff[m]] += work for every context word (work ÷ count first when summing)
  (func $cbowApply (param $eff i32) (param $i i32) (param $j i32) (param $k i32) (param $inv f32)
    (local $m i32)
    (if (i32.eqz (global.get $cbowMean)) (then (call $scale (global.get $work) (local.get $inv))))
    (local.set $m (local.get $j))
    (block $done
      (loop $l
        (br_if $done (i32.ge_s (local.get $m) (local.get $k)))
        (if (i32.ne (local.get $m) (local.get $i))
          (then
            (call $axpy (f32.const 1) (global.get $work)
              (call $inRow (i32.load (i32.add (local.get $eff) (i32.shl (local.get $m) (i32.const 2))))))))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br $l))))

  ;; Trains on one job. Memory at $job: i32 words[nWords] (vocabulary indexes), then i32
  ;; sentenceEnds[nSents] (exclusive ends). $scratch: this worker's 2·D floats + 3·(nWords + 1) i32.
  ;; Returns the number of words left after subsampling.
  (func (export "train_job")
    (param $job i32) (param $nWords i32) (param $nSents i32) (param $alpha f32)
    (param $seedHi i32) (param $seedLo i32) (param $scratch i32) (result i32)
    (local $eff i32) (local $effEnd i32) (local $reduced i32) (local $ends i32)
    (local $s i32) (local $w i32) (local $end i32) (local $n i32) (local $word i32)
    (local $start i32) (local $i i32) (local $j i32) (local $k i32) (local $m i32) (local $b i32)
    (local $center i32) (local $l1 i32) (local $inv f32) (local $since i32)
    (global.set $rnd (i64.and
      (i64.or (i64.shl (i64.extend_i32_u (local.get $seedHi)) (i64.const 32)) (i64.extend_i32_u (local.get $seedLo)))
      (i64.const 281474976710655)))
    (global.set $loss (f64.const 0))
    (global.set $terms (f64.const 0))
    (global.set $work (local.get $scratch))
    (global.set $neu1 (i32.add (local.get $scratch) (global.get $rowBytes)))
    (local.set $eff (i32.add (global.get $neu1) (global.get $rowBytes)))
    (local.set $effEnd (i32.add (local.get $eff) (i32.shl (i32.add (local.get $nWords) (i32.const 1)) (i32.const 2))))
    (local.set $reduced (i32.add (local.get $effEnd) (i32.shl (i32.add (local.get $nWords) (i32.const 1)) (i32.const 2))))
    (global.set $fs (i32.add (local.get $reduced) (i32.shl (i32.add (local.get $nWords) (i32.const 1)) (i32.const 2))))
    (global.set $ts (i32.add (global.get $fs) (i32.const 256)))
    (local.set $ends (i32.add (local.get $job) (i32.shl (local.get $nWords) (i32.const 2))))
    (if (global.get $hot) (then (call $hotStart)))

    ;; 1. subsampling: keep word w iff sample_int[w] ≥ random_int32 (every word draws when sample > 0)
    (i32.store (local.get $effEnd) (i32.const 0))
    (block $sDone
      (loop $sLoop
        (br_if $sDone (i32.ge_u (local.get $s) (local.get $nSents)))
        (local.set $end (i32.load (i32.add (local.get $ends) (i32.shl (local.get $s) (i32.const 2)))))
        (block $wDone
          (loop $wLoop
            (br_if $wDone (i32.ge_u (local.get $w) (local.get $end)))
            (local.set $word (i32.load (i32.add (local.get $job) (i32.shl (local.get $w) (i32.const 2)))))
            (local.set $w (i32.add (local.get $w) (i32.const 1)))
            (if (global.get $sample)
              (then
                (br_if $wLoop (i32.lt_u
                  (i32.load (i32.add (global.get $sampleInt) (i32.shl (local.get $word) (i32.const 2))))
                  (call $rand32)))))
            (i32.store (i32.add (local.get $eff) (i32.shl (local.get $n) (i32.const 2))) (local.get $word))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br $wLoop)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (i32.store (i32.add (local.get $effEnd) (i32.shl (local.get $s) (i32.const 2))) (local.get $n))
        (br $sLoop)))

    ;; 2. reduced windows: b_i = random_int32 mod window; word i sees window − b_i words each side
    (local.set $i (i32.const 0))
    (block $rDone
      (loop $rLoop
        (br_if $rDone (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.add (local.get $reduced) (i32.shl (local.get $i) (i32.const 2)))
          (i32.rem_u (call $rand32) (global.get $window)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rLoop)))

    ;; 3. train, sentence by sentence (no window crosses a sentence boundary)
    (local.set $s (i32.const 0))
    (block $tDone
      (loop $tLoop
        (br_if $tDone (i32.ge_u (local.get $s) (local.get $nSents)))
        (local.set $start (i32.load (i32.add (local.get $effEnd) (i32.shl (local.get $s) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $effEnd) (i32.shl (local.get $s) (i32.const 2)))))
        (local.set $i (local.get $start))
        (block $iDone
          (loop $iLoop
            (br_if $iDone (i32.ge_s (local.get $i) (local.get $end)))
            (local.set $b (i32.load (i32.add (local.get $reduced) (i32.shl (local.get $i) (i32.const 2)))))
            ;; context [j, k) = [i − window + b, i + window + 1 − b] clipped to the sentence
            (local.set $j (i32.add (i32.sub (local.get $i) (global.get $window)) (local.get $b)))
            (if (i32.lt_s (local.get $j) (local.get $start)) (then (local.set $j (local.get $start))))
            (local.set $k (i32.sub (i32.add (i32.add (local.get $i) (global.get $window)) (i32.const 1)) (local.get $b)))
            (if (i32.gt_s (local.get $k) (local.get $end)) (then (local.set $k (local.get $end))))
            (local.set $center (i32.load (i32.add (local.get $eff) (i32.shl (local.get $i) (i32.const 2)))))
            (if (global.get $sg)
              (then
                ;; skip-gram (gensim's orientation): each context word's input vector predicts the centre
                (local.set $m (local.get $j))
                (block $mDone
                  (loop $mLoop
                    (br_if $mDone (i32.ge_s (local.get $m) (local.get $k)))
                    (if (i32.ne (local.get $m) (local.get $i))
                      (then
                        (local.set $l1 (call $inRow (i32.load (i32.add (local.get $eff) (i32.shl (local.get $m) (i32.const 2))))))
                        (if (global.get $hs)
                          (then
                            (call $zero (global.get $work))
                            (call $hsPath (local.get $center) (local.get $l1) (local.get $alpha))
                            (call $axpy (f32.const 1) (global.get $work) (local.get $l1))))
                        (if (global.get $negative)
                          (then
                            (call $zero (global.get $work))
                            (call $negSample (local.get $center) (local.get $l1) (local.get $alpha))
                            (call $axpy (f32.const 1) (global.get $work) (local.get $l1))))))
                    (local.set $m (i32.add (local.get $m) (i32.const 1)))
                    (br $mLoop))))
              (else
                ;; CBOW: the (mean) context vector predicts the centre
                (if (global.get $hs)
                  (then
                    (local.set $inv (call $cbowInput (local.get $eff) (local.get $i) (local.get $j) (local.get $k)))
                    (call $zero (global.get $work))
                    (call $hsPath (local.get $center) (global.get $neu1) (local.get $alpha))
                    (call $cbowApply (local.get $eff) (local.get $i) (local.get $j) (local.get $k) (local.get $inv))))
                (if (global.get $negative)
                  (then
                    (local.set $inv (call $cbowInput (local.get $eff) (local.get $i) (local.get $j) (local.get $k)))
                    (call $zero (global.get $work))
                    (call $negSample (local.get $center) (global.get $neu1) (local.get $alpha))
                    (call $cbowApply (local.get $eff) (local.get $i) (local.get $j) (local.get $k) (local.get $inv))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $iLoop)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        ;; the hot rows meet the shared ones every $syncWords trained words (word2vec-fast.ts: 1,000
        ;; on a small corpus, where a few jobs make an epoch — Lee, 60k words: the final loss 1–2 %
        ;; higher when merged once per job, within 0.3 % every 1,000 words; up to once per job on a
        ;; large one: a merge copies 2 × 256 rows per table, and CBOW trains 1,000 words in ~1 ms)
        (local.set $since (i32.add (local.get $since) (i32.sub (local.get $end) (local.get $start))))
        (if (i32.and (i32.ne (global.get $hot) (i32.const 0)) (i32.ge_u (local.get $since) (global.get $syncWords)))
          (then
            (call $hotEnd)
            (call $hotStart)
            (local.set $since (i32.const 0))))
        (br $tLoop)))
    (if (global.get $hot) (then (call $hotEnd)))
    (local.get $n))
)
