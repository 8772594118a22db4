;; GloVe training in WebAssembly SIMD — glove.c's inner loop (glove_thread) over a run of
;; co-occurrence records, the fast path of glove.ts (`gloveStep` there is the same update in plain
;; TypeScript; glove-train.test.ts checks they agree).
;;
;; Records are 24 bytes: int32 i, int32 j, float64 log X_ij, float64 f(X_ij) (0-based indices;
;; glove-train.ts computes log and f = 1 for x > xMax, else (x / xMax)^α, once, when it shuffles
;; cooccur.c's records: WebAssembly has neither log nor pow, and calling the host's for every
;; update of every epoch cost a third of the time). For each record:
;;   diff  = w_iᵀw̃_j + b_i + b̃_j − log X_ij
;;   fdiff = f(X_ij)·diff
;;   cost += fdiff·diff
;;   g = η·fdiff, gb = η_b·fdiff;  with AdaGrad's sums G (starting at 1):
;;     w_i −= g·w̃_j / √G_i,  w̃_j −= g·w_i / √G̃_j,  G_i += (g·w̃_j)²,  G̃_j += (g·w_i)²   (both from
;;     the values before the update), b_i −= gb / √Gb_i, b̃_j −= gb / √Gb̃_j, Gb_i += gb², Gb̃_j += gb²
;;     (glove.c: η_b = 1, its biases' steps are not scaled by η; the paper: η_b = η).
;; Rows are float64 (glove.c's `real` = double) of D values, D even (glove-train.ts pads vectorSize
;; with zeros whose gradients are zero and whose G stays 1), so every loop is f64x2 operations. The
;; dot product sums two lanes then adds them: another order than gloveStep's, so the two agree to
;; float64 rounding, not bit for bit.
;;
;; The parameters live in a shared memory: several workers call `train` at once on different
;; records and update the same rows without locks (Hogwild, as glove.c's threads do).
;;
;; Assembled by scripts/build-wasm.mjs (wabt, features simd + threads) into src/glove-wasm.ts.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; configuration, set once per instance by init
  (global $D (mut i32) (i32.const 0))       ;; values per row (even)
  (global $W (mut i32) (i32.const 0))       ;; word vectors (V × D f64)
  (global $Wt (mut i32) (i32.const 0))      ;; context vectors
  (global $b (mut i32) (i32.const 0))       ;; word biases (V f64)
  (global $bt (mut i32) (i32.const 0))      ;; context biases
  (global $G (mut i32) (i32.const 0))       ;; AdaGrad sums of W
  (global $Gt (mut i32) (i32.const 0))      ;; of W̃
  (global $Gb (mut i32) (i32.const 0))      ;; of b
  (global $Gbt (mut i32) (i32.const 0))     ;; of b̃
  (global $eta (mut f64) (f64.const 0))
  (global $etaB (mut f64) (f64.const 0))    ;; the biases' rate

  (func (export "init")
    (param $D i32) (param $W i32) (param $Wt i32) (param $b i32) (param $bt i32)
    (param $G i32) (param $Gt i32) (param $Gb i32) (param $Gbt i32)
    (param $eta f64) (param $etaB f64)
    (global.set $D (local.get $D))
    (global.set $W (local.get $W))
    (global.set $Wt (local.get $Wt))
    (global.set $b (local.get $b))
    (global.set $bt (local.get $bt))
    (global.set $G (local.get $G))
    (global.set $Gt (local.get $Gt))
    (global.set $Gb (local.get $Gb))
    (global.set $Gbt (local.get $Gbt))
    (global.set $eta (local.get $eta))
    (global.set $etaB (local.get $etaB)))

  ;; Trains on the n records at byte address rec, in order; returns Σ f(X_ij)·diff² (before each update).
  (func (export "train") (param $rec i32) (param $n i32) (result f64)
    (local $end i32) (local $i i32) (local $j i32)
    (local $l1 i32) (local $l2 i32) (local $o i32) (local $rowBytes i32)
    (local $acc v128) (local $w v128) (local $wt v128) (local $gw v128) (local $gwt v128) (local $gv v128)
    (local $diff f64) (local $f f64) (local $fdiff f64) (local $g f64) (local $cost f64)
    (local $pb i32) (local $pbt i32) (local $pgb i32) (local $pgbt i32)
    (local $pW i32) (local $pWt i32) (local $pG i32) (local $pGt i32) (local $gs v128) (local $gst v128)
    (local.set $rowBytes (i32.shl (global.get $D) (i32.const 3)))
    (local.set $end (i32.add (local.get $rec) (i32.mul (local.get $n) (i32.const 24))))
    (block $done
      (loop $records
        (br_if $done (i32.ge_u (local.get $rec) (local.get $end)))
        (local.set $i (i32.load (local.get $rec)))
        (local.set $j (i32.load offset=4 (local.get $rec)))
        (local.set $l1 (i32.mul (local.get $i) (local.get $rowBytes)))
        (local.set $l2 (i32.mul (local.get $j) (local.get $rowBytes)))
        ;; w_iᵀ w̃_j, two lanes at a time
        (local.set $pW (i32.add (global.get $W) (local.get $l1)))
        (local.set $pWt (i32.add (global.get $Wt) (local.get $l2)))
        (local.set $acc (f64x2.splat (f64.const 0)))
        (local.set $o (i32.const 0))
        (block $d1 (loop $dot
          (br_if $d1 (i32.ge_u (local.get $o) (local.get $rowBytes)))
          (local.set $acc (f64x2.add (local.get $acc)
            (f64x2.mul
              (v128.load (i32.add (local.get $pW) (local.get $o)))
              (v128.load (i32.add (local.get $pWt) (local.get $o))))))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (br $dot)))
        (local.set $pb (i32.add (global.get $b) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $pbt (i32.add (global.get $bt) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $pgb (i32.add (global.get $Gb) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $pgbt (i32.add (global.get $Gbt) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $diff
          (f64.sub
            (f64.add
              (f64.add (f64.load (local.get $pb)) (f64.load (local.get $pbt)))
              (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
            (f64.load offset=8 (local.get $rec))))
        (local.set $f (f64.load offset=16 (local.get $rec)))
        (local.set $fdiff (f64.mul (local.get $f) (local.get $diff)))
        (local.set $cost (f64.add (local.get $cost) (f64.mul (local.get $fdiff) (local.get $diff))))
        (local.set $g (f64.mul (global.get $eta) (local.get $fdiff)))
        (local.set $gv (f64x2.splat (local.get $g)))
        ;; AdaGrad on the two rows (each value loaded once)
        (local.set $pW (i32.add (global.get $W) (local.get $l1)))
        (local.set $pWt (i32.add (global.get $Wt) (local.get $l2)))
        (local.set $pG (i32.add (global.get $G) (local.get $l1)))
        (local.set $pGt (i32.add (global.get $Gt) (local.get $l2)))
        (local.set $o (i32.const 0))
        (block $d2 (loop $upd
          (br_if $d2 (i32.ge_u (local.get $o) (local.get $rowBytes)))
          (local.set $w (v128.load (i32.add (local.get $pW) (local.get $o))))
          (local.set $wt (v128.load (i32.add (local.get $pWt) (local.get $o))))
          (local.set $gs (v128.load (i32.add (local.get $pG) (local.get $o))))
          (local.set $gst (v128.load (i32.add (local.get $pGt) (local.get $o))))
          (local.set $gw (f64x2.mul (local.get $gv) (local.get $wt)))
          (local.set $gwt (f64x2.mul (local.get $gv) (local.get $w)))
          (v128.store (i32.add (local.get $pW) (local.get $o))
            (f64x2.sub (local.get $w) (f64x2.div (local.get $gw) (f64x2.sqrt (local.get $gs)))))
          (v128.store (i32.add (local.get $pWt) (local.get $o))
            (f64x2.sub (local.get $wt) (f64x2.div (local.get $gwt) (f64x2.sqrt (local.get $gst)))))
          (v128.store (i32.add (local.get $pG) (local.get $o))
            (f64x2.add (local.get $gs) (f64x2.mul (local.get $gw) (local.get $gw))))
          (v128.store (i32.add (local.get $pGt) (local.get $o))
            (f64x2.add (local.get $gst) (f64x2.mul (local.get $gwt) (local.get $gwt))))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (br $upd)))
        (local.set $g (f64.mul (global.get $etaB) (local.get $fdiff)))
        (f64.store (local.get $pb)
          (f64.sub (f64.load (local.get $pb)) (f64.div (local.get $g) (f64.sqrt (f64.load (local.get $pgb))))))
        (f64.store (local.get $pbt)
          (f64.sub (f64.load (local.get $pbt)) (f64.div (local.get $g) (f64.sqrt (f64.load (local.get $pgbt))))))
        (f64.store (local.get $pgb)
          (f64.add (f64.load (local.get $pgb)) (f64.mul (local.get $g) (local.get $g))))
        (f64.store (local.get $pgbt)
          (f64.add (f64.load (local.get $pgbt)) (f64.mul (local.get $g) (local.get $g))))
        (local.set $rec (i32.add (local.get $rec) (i32.const 24)))
        (br $records)))
    (local.get $cost))
)
