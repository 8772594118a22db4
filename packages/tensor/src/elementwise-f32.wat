;; Fused float32 elementwise and normalisation kernels for the autograd engine (autograd.ts) in
;; WebAssembly SIMD — the fast path of the JavaScript kernels in elementwise-f32.ts: GELU (tanh form),
;; GELU (erf form, BERT's), LayerNorm, softmax over rows (optionally causal, with a scale), cross-entropy's softmax, AdamW,
;; bias add and its column sums.
;;
;; Row-major float32 in the exported memory; addresses in bytes, counts in elements. The element
;; kernels (GELU, AdamW, axpy) run over whole f32x4 vectors: elementwise-f32.ts pads every region
;; to a multiple of four floats. The row kernels (softmax, LayerNorm, cross-entropy, bias) take any
;; row length: f32x4 over the first multiple of four, a scalar tail after it.
;;
;; exp and tanh (exp-tanh-f32.wat, spliced in by scripts/build-wasm.mjs) are float32 approximations
;; within a few float32 ulps of Math.exp / Math.tanh, and erf is Eigen's rational approximation,
;; within 4.2e-7 of erf — elementwise-f32.test.ts checks them and every kernel against the
;; JavaScript path.
;;
;; Assembled by scripts/build-wasm.mjs (wabt, feature simd) into src/elementwise-f32-wasm.ts.
(module
  (memory (export "memory") 1)

  ;; e^x ($exp) and tanh ($tanh) over four lanes: src/exp-tanh-f32.wat, shared with activations.wat
  ;; and llama-decode.wat
  ;; #include "exp-tanh-f32.wat"

  ;; exp of one float (the row tails): lane 0 of $exp
  (func $expScalar (param $x f32) (result f32)
    (f32x4.extract_lane 0 (call $exp (f32x4.splat (local.get $x)))))

  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  (func $hmax (param $v v128) (result f32)
    (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.max (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; ---------------------------------------------------------------------------------------------
  ;; GELU (tanh form), over n floats (n a multiple of 4):
  ;;   t = tanh(√(2/π)(x + 0.044715x³)),  y = ½x(1 + t)
  ;;   dx (+)= dy (½(1 + t) + ½x(1 − t²)√(2/π)(1 + 3·0.044715x²))   (t computed again; acc = 0 writes dx)
  ;;   t is $geluTanh (exp-tanh-f32.wat, shared with llama-decode.wat's GPT forward)
  ;; ---------------------------------------------------------------------------------------------
  (func (export "geluForward") (param $x i32) (param $y i32) (param $n i32)
    (local $v v128) (local $th v128) (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $i
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (v128.load (local.get $x)))
        (local.set $th (call $geluTanh (local.get $v)))
        (v128.store (local.get $y)
          (f32x4.mul
            (f32x4.mul (v128.const f32x4 0.5 0.5 0.5 0.5) (local.get $v))
            (f32x4.add (v128.const f32x4 1.0 1.0 1.0 1.0) (local.get $th))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $i))))

  (func (export "geluBackward") (param $x i32) (param $dy i32) (param $dx i32) (param $n i32) (param $acc i32)
    (local $v v128) (local $th v128) (local $half v128) (local $end i32) (local $g v128)
    (local.set $half (v128.const f32x4 0.5 0.5 0.5 0.5))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $i
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (v128.load (local.get $x)))
        (local.set $th (call $geluTanh (local.get $v)))
        ;; ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²)
        (local.set $g
            (f32x4.mul (v128.load (local.get $dy))
              (f32x4.add
                (f32x4.mul (local.get $half) (f32x4.add (v128.const f32x4 1.0 1.0 1.0 1.0) (local.get $th)))
                (f32x4.mul
                  (f32x4.mul
                    (f32x4.mul (local.get $half) (local.get $v))
                    (f32x4.sub (v128.const f32x4 1.0 1.0 1.0 1.0) (f32x4.mul (local.get $th) (local.get $th))))
                  (f32x4.mul
                    (v128.const f32x4 0.7978845608 0.7978845608 0.7978845608 0.7978845608)
                    (f32x4.add (v128.const f32x4 1.0 1.0 1.0 1.0)
                      (f32x4.mul (v128.const f32x4 0.134145 0.134145 0.134145 0.134145)
                        (f32x4.mul (local.get $v) (local.get $v)))))))))
        (if (local.get $acc) (then (local.set $g (f32x4.add (local.get $g) (v128.load (local.get $dx))))))
        (v128.store (local.get $dx) (local.get $g))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
        (br $i))))

  ;; ---------------------------------------------------------------------------------------------
  ;; GELU, BERT's exact form, over n floats (n a multiple of 4):  y = x Φ(x),  Φ(x) = ½(1 + erf(x/√2))
  ;;   dx (+)= dy (Φ(x) + x e^(−x²/2)/√(2π))   (acc = 0 writes dx)
  ;; erf as a rational function, Eigen's fast float erf: erf(x) ≈ x·P(x²)/Q(x²) with P of degree 6
  ;; and Q of degree 4, x clamped to ±4 (where erf is ±1 to float32 precision) — no exp, one division,
  ;; about twice as fast as Numerical Recipes' erfc with its exp (autograd.ts's `erf`, the reference,
  ;; |error| < 1.2e-7); this one is within 4.2e-7 of erf, so the GELU within 1e-6 (relative) of the
  ;; reference (elementwise-f32.test.ts).
  ;; ---------------------------------------------------------------------------------------------
  (func $phi (param $v v128) (result v128)
    (local $x v128) (local $x2 v128) (local $p v128) (local $q v128)
    (local.set $x
      (f32x4.pmin
        (f32x4.pmax
          (f32x4.mul (local.get $v) (v128.const f32x4 0.70710678 0.70710678 0.70710678 0.70710678))
          (v128.const f32x4 -4.0 -4.0 -4.0 -4.0))
        (v128.const f32x4 4.0 4.0 4.0 4.0)))
    (local.set $x2 (f32x4.mul (local.get $x) (local.get $x)))
    (local.set $p (v128.const f32x4 -2.72614225801306e-10 -2.72614225801306e-10 -2.72614225801306e-10 -2.72614225801306e-10))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2))
      (v128.const f32x4 2.77068142495902e-08 2.77068142495902e-08 2.77068142495902e-08 2.77068142495902e-08)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2))
      (v128.const f32x4 -2.10102402082508e-06 -2.10102402082508e-06 -2.10102402082508e-06 -2.10102402082508e-06)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2))
      (v128.const f32x4 -5.69250639462346e-05 -5.69250639462346e-05 -5.69250639462346e-05 -5.69250639462346e-05)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2))
      (v128.const f32x4 -7.34990630326855e-04 -7.34990630326855e-04 -7.34990630326855e-04 -7.34990630326855e-04)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2))
      (v128.const f32x4 -2.95459980854025e-03 -2.95459980854025e-03 -2.95459980854025e-03 -2.95459980854025e-03)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2))
      (v128.const f32x4 -1.60960333262415e-02 -1.60960333262415e-02 -1.60960333262415e-02 -1.60960333262415e-02)))
    (local.set $p (f32x4.mul (local.get $p) (local.get $x)))
    (local.set $q (v128.const f32x4 -1.45660718464996e-05 -1.45660718464996e-05 -1.45660718464996e-05 -1.45660718464996e-05))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $x2))
      (v128.const f32x4 -2.13374055278905e-04 -2.13374055278905e-04 -2.13374055278905e-04 -2.13374055278905e-04)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $x2))
      (v128.const f32x4 -1.68282697438203e-03 -1.68282697438203e-03 -1.68282697438203e-03 -1.68282697438203e-03)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $x2))
      (v128.const f32x4 -7.37332916720468e-03 -7.37332916720468e-03 -7.37332916720468e-03 -7.37332916720468e-03)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $x2))
      (v128.const f32x4 -1.42647390514189e-02 -1.42647390514189e-02 -1.42647390514189e-02 -1.42647390514189e-02)))
    ;; Φ = ½(1 + erf)
    (f32x4.mul (v128.const f32x4 0.5 0.5 0.5 0.5)
      (f32x4.add (v128.const f32x4 1.0 1.0 1.0 1.0) (f32x4.div (local.get $p) (local.get $q)))))

  (func (export "geluErfForward") (param $x i32) (param $y i32) (param $n i32)
    (local $v v128) (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $i
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (v128.load (local.get $x)))
        (v128.store (local.get $y) (f32x4.mul (local.get $v) (call $phi (local.get $v))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $i))))

  (func (export "geluErfBackward") (param $x i32) (param $dy i32) (param $dx i32) (param $n i32) (param $acc i32)
    (local $v v128) (local $g v128) (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $i
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (v128.load (local.get $x)))
        ;; dy (Φ + x φ),  φ = e^(−x²/2)/√(2π)
        (local.set $g
          (f32x4.mul (v128.load (local.get $dy))
            (f32x4.add (call $phi (local.get $v))
              (f32x4.mul
                (f32x4.mul (local.get $v) (v128.const f32x4 0.39894228 0.39894228 0.39894228 0.39894228))
                (call $exp (f32x4.mul (v128.const f32x4 -0.5 -0.5 -0.5 -0.5) (f32x4.mul (local.get $v) (local.get $v))))))))
        (if (local.get $acc) (then (local.set $g (f32x4.add (local.get $g) (v128.load (local.get $dx))))))
        (v128.store (local.get $dx) (local.get $g))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
        (br $i))))

  ;; ---------------------------------------------------------------------------------------------
  ;; Softmax of every row of (rows × c), of scale·x, with each row's (max, Σ e) in stats; `causal` (≠ 0): row r sees columns
  ;; 0..(r mod T), the rest are 0 (a decoder's attention scores, T × T blocks).
  ;;   y = e^(s(x − max)) / Σ e^(s(x − max))      (s > 0)
  ;;   dx (+)= s · y (dy − Σ dy y)      (acc = 0 writes dx: every column, 0 where masked)
  ;; ---------------------------------------------------------------------------------------------
  (func (export "softmaxForward")
    (param $x i32) (param $y i32) (param $stats i32) (param $rows i32) (param $c i32) (param $T i32)
    (param $causal i32) (param $s f32)
    (local $r i32) (local $j i32) (local $lim i32) (local $lim4 i32) (local $xo i32) (local $yo i32)
    (local $mv v128) (local $m f32) (local $sv v128) (local $sum f32) (local $e f32) (local $ev v128)
    (local $sc v128) (local $inv v128)
    (local.set $sc (f32x4.splat (local.get $s)))
    (block $rdone
      (loop $rl
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $xo (i32.add (local.get $x) (i32.shl (i32.mul (local.get $r) (local.get $c)) (i32.const 2))))
        (local.set $yo (i32.add (local.get $y) (i32.shl (i32.mul (local.get $r) (local.get $c)) (i32.const 2))))
        (local.set $lim (local.get $c))
        (if (local.get $causal)
          (then (local.set $lim (i32.add (i32.rem_u (local.get $r) (local.get $T)) (i32.const 1)))))
        (local.set $lim4 (i32.and (local.get $lim) (i32.const -4)))
        ;; max
        (local.set $mv (v128.const f32x4 -inf -inf -inf -inf))
        (local.set $j (i32.const 0))
        (block $d1 (loop $l1
          (br_if $d1 (i32.ge_u (local.get $j) (local.get $lim4)))
          (local.set $mv (f32x4.max (local.get $mv)
            (v128.load (i32.add (local.get $xo) (i32.shl (local.get $j) (i32.const 2))))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $l1)))
        (local.set $m (call $hmax (local.get $mv)))
        (block $d2 (loop $l2
          (br_if $d2 (i32.ge_u (local.get $j) (local.get $lim)))
          (local.set $m (f32.max (local.get $m)
            (f32.load (i32.add (local.get $xo) (i32.shl (local.get $j) (i32.const 2))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l2)))
        ;; e = exp(s (x − max)), summed
        (local.set $mv (f32x4.splat (local.get $m)))
        (local.set $sv (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $d3 (loop $l3
          (br_if $d3 (i32.ge_u (local.get $j) (local.get $lim4)))
          (local.set $ev (call $exp (f32x4.mul (local.get $sc)
            (f32x4.sub (v128.load (i32.add (local.get $xo) (i32.shl (local.get $j) (i32.const 2)))) (local.get $mv)))))
          (v128.store (i32.add (local.get $yo) (i32.shl (local.get $j) (i32.const 2))) (local.get $ev))
          (local.set $sv (f32x4.add (local.get $sv) (local.get $ev)))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $l3)))
        (local.set $sum (call $hsum (local.get $sv)))
        (block $d4 (loop $l4
          (br_if $d4 (i32.ge_u (local.get $j) (local.get $lim)))
          (local.set $e (call $expScalar (f32.mul (local.get $s)
            (f32.sub (f32.load (i32.add (local.get $xo) (i32.shl (local.get $j) (i32.const 2)))) (local.get $m)))))
          (f32.store (i32.add (local.get $yo) (i32.shl (local.get $j) (i32.const 2))) (local.get $e))
          (local.set $sum (f32.add (local.get $sum) (local.get $e)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l4)))
        ;; stats[r] = (max, sum): cross-entropy's log-sum-exp is max + log(sum)
        (f32.store (i32.add (local.get $stats) (i32.shl (local.get $r) (i32.const 3))) (local.get $m))
        (f32.store offset=4 (i32.add (local.get $stats) (i32.shl (local.get $r) (i32.const 3))) (local.get $sum))
        ;; y = e / sum; zeros beyond the limit
        (local.set $inv (f32x4.splat (f32.div (f32.const 1) (local.get $sum))))
        (local.set $j (i32.const 0))
        (block $d5 (loop $l5
          (br_if $d5 (i32.ge_u (local.get $j) (local.get $lim4)))
          (v128.store (i32.add (local.get $yo) (i32.shl (local.get $j) (i32.const 2)))
            (f32x4.mul (local.get $inv) (v128.load (i32.add (local.get $yo) (i32.shl (local.get $j) (i32.const 2))))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $l5)))
        (block $d6 (loop $l6
          (br_if $d6 (i32.ge_u (local.get $j) (local.get $c)))
          (f32.store (i32.add (local.get $yo) (i32.shl (local.get $j) (i32.const 2)))
            (select
              (f32.mul (f32x4.extract_lane 0 (local.get $inv))
                (f32.load (i32.add (local.get $yo) (i32.shl (local.get $j) (i32.const 2)))))
              (f32.const 0)
              (i32.lt_u (local.get $j) (local.get $lim))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l6)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rl))))

  (func (export "softmaxBackward")
    (param $y i32) (param $dy i32) (param $dx i32) (param $rows i32) (param $c i32) (param $T i32)
    (param $causal i32) (param $s f32) (param $acc i32)
    (local $r i32) (local $j i32) (local $lim i32) (local $lim4 i32) (local $o i32) (local $p i32)
    (local $dv v128) (local $dot f32) (local $dotv v128) (local $sc v128)
    (local.set $sc (f32x4.splat (local.get $s)))
    (block $rdone
      (loop $rl
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $o (i32.shl (i32.mul (local.get $r) (local.get $c)) (i32.const 2)))
        (local.set $lim (local.get $c))
        (if (local.get $causal)
          (then (local.set $lim (i32.add (i32.rem_u (local.get $r) (local.get $T)) (i32.const 1)))))
        (local.set $lim4 (i32.and (local.get $lim) (i32.const -4)))
        ;; dot = Σ dy y
        (local.set $dv (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $d1 (loop $l1
          (br_if $d1 (i32.ge_u (local.get $j) (local.get $lim4)))
          (local.set $p (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $dv (f32x4.add (local.get $dv)
            (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $p))) (v128.load (i32.add (local.get $y) (local.get $p))))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $l1)))
        (local.set $dot (call $hsum (local.get $dv)))
        (block $d2 (loop $l2
          (br_if $d2 (i32.ge_u (local.get $j) (local.get $lim)))
          (local.set $p (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $dot (f32.add (local.get $dot)
            (f32.mul (f32.load (i32.add (local.get $dy) (local.get $p))) (f32.load (i32.add (local.get $y) (local.get $p))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l2)))
        ;; dx += s y (dy − dot)
        (local.set $dotv (f32x4.splat (local.get $dot)))
        (local.set $j (i32.const 0))
        (block $d3 (loop $l3
          (br_if $d3 (i32.ge_u (local.get $j) (local.get $lim4)))
          (local.set $p (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))))
          (v128.store (i32.add (local.get $dx) (local.get $p))
            (f32x4.add
              (if (result v128) (local.get $acc)
                (then (v128.load (i32.add (local.get $dx) (local.get $p))))
                (else (v128.const f32x4 0 0 0 0)))
              (f32x4.mul (local.get $sc)
                (f32x4.mul (v128.load (i32.add (local.get $y) (local.get $p)))
                  (f32x4.sub (v128.load (i32.add (local.get $dy) (local.get $p))) (local.get $dotv))))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $l3)))
        (block $d4 (loop $l4
          (br_if $d4 (i32.ge_u (local.get $j) (local.get $lim)))
          (local.set $p (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))))
          (f32.store (i32.add (local.get $dx) (local.get $p))
            (f32.add
              (if (result f32) (local.get $acc)
                (then (f32.load (i32.add (local.get $dx) (local.get $p))))
                (else (f32.const 0)))
              (f32.mul (local.get $s)
                (f32.mul (f32.load (i32.add (local.get $y) (local.get $p)))
                  (f32.sub (f32.load (i32.add (local.get $dy) (local.get $p))) (local.get $dot))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l4)))
        ;; written, not added: the masked columns get 0
        (if (i32.eqz (local.get $acc))
          (then
            (block $d5 (loop $l5
              (br_if $d5 (i32.ge_u (local.get $j) (local.get $c)))
              (f32.store (i32.add (local.get $dx) (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))))
                (f32.const 0))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $l5)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rl))))

  ;; ---------------------------------------------------------------------------------------------
  ;; LayerNorm of every row of (rows × d) with gain g and bias b (d floats each):
  ;;   x̂ = (x − mean) / √(var + eps),  y = g x̂ + b                  (x̂ and 1/σ̂ kept)
  ;;   backward, gg = dy ⊙ g:  dx (+)= (1/σ̂)(gg − mean(gg) − x̂ mean(gg ⊙ x̂));  dg += dy ⊙ x̂;  db += dy
  ;;   (acc = 0 writes dx)
  ;; ---------------------------------------------------------------------------------------------
  (func (export "layerNormForward")
    (param $x i32) (param $g i32) (param $b i32) (param $y i32) (param $xh i32) (param $inv i32)
    (param $rows i32) (param $d i32) (param $eps f32)
    (local $r i32) (local $j i32) (local $d4 i32) (local $o i32) (local $p i32)
    (local $sv v128) (local $mu f32) (local $muv v128) (local $var f32) (local $t f32) (local $tv v128)
    (local $ir f32) (local $irv v128) (local $xv v128)
    (local.set $d4 (i32.and (local.get $d) (i32.const -4)))
    (block $rdone
      (loop $rl
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $o (i32.shl (i32.mul (local.get $r) (local.get $d)) (i32.const 2)))
        ;; mean
        (local.set $sv (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $d1 (loop $l1
          (br_if $d1 (i32.ge_u (local.get $j) (local.get $d4)))
          (local.set $sv (f32x4.add (local.get $sv)
            (v128.load (i32.add (local.get $x) (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2)))))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $l1)))
        (local.set $mu (call $hsum (local.get $sv)))
        (block $d2 (loop $l2
          (br_if $d2 (i32.ge_u (local.get $j) (local.get $d)))
          (local.set $mu (f32.add (local.get $mu)
            (f32.load (i32.add (local.get $x) (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2)))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l2)))
        (local.set $mu (f32.div (local.get $mu) (f32.convert_i32_u (local.get $d))))
        (local.set $muv (f32x4.splat (local.get $mu)))
        ;; variance
        (local.set $sv (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $d3 (loop $l3
          (br_if $d3 (i32.ge_u (local.get $j) (local.get $d4)))
          (local.set $tv (f32x4.sub
            (v128.load (i32.add (local.get $x) (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2)))))
            (local.get $muv)))
          (local.set $sv (f32x4.add (local.get $sv) (f32x4.mul (local.get $tv) (local.get $tv))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $l3)))
        (local.set $var (call $hsum (local.get $sv)))
        (block $d4 (loop $l4
          (br_if $d4 (i32.ge_u (local.get $j) (local.get $d)))
          (local.set $t (f32.sub
            (f32.load (i32.add (local.get $x) (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2)))))
            (local.get $mu)))
          (local.set $var (f32.add (local.get $var) (f32.mul (local.get $t) (local.get $t))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l4)))
        (local.set $ir (f32.div (f32.const 1)
          (f32.sqrt (f32.add (f32.div (local.get $var) (f32.convert_i32_u (local.get $d))) (local.get $eps)))))
        (f32.store (i32.add (local.get $inv) (i32.shl (local.get $r) (i32.const 2))) (local.get $ir))
        (local.set $irv (f32x4.splat (local.get $ir)))
        ;; x̂ and y
        (local.set $j (i32.const 0))
        (block $d5 (loop $l5
          (br_if $d5 (i32.ge_u (local.get $j) (local.get $d4)))
          (local.set $p (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $xv (f32x4.mul (local.get $irv)
            (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $p))) (local.get $muv))))
          (v128.store (i32.add (local.get $xh) (local.get $p)) (local.get $xv))
          (v128.store (i32.add (local.get $y) (local.get $p))
            (f32x4.add
              (f32x4.mul (v128.load (i32.add (local.get $g) (i32.shl (local.get $j) (i32.const 2)))) (local.get $xv))
              (v128.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $l5)))
        (block $d6 (loop $l6
          (br_if $d6 (i32.ge_u (local.get $j) (local.get $d)))
          (local.set $p (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $t (f32.mul (local.get $ir)
            (f32.sub (f32.load (i32.add (local.get $x) (local.get $p))) (local.get $mu))))
          (f32.store (i32.add (local.get $xh) (local.get $p)) (local.get $t))
          (f32.store (i32.add (local.get $y) (local.get $p))
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $g) (i32.shl (local.get $j) (i32.const 2)))) (local.get $t))
              (f32.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l6)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rl))))

  (func (export "layerNormBackward")
    (param $dy i32) (param $g i32) (param $xh i32) (param $inv i32) (param $dx i32) (param $dg i32)
    (param $db i32) (param $rows i32) (param $d i32) (param $acc i32)
    (local $r i32) (local $j i32) (local $d4 i32) (local $o i32) (local $p i32) (local $q i32)
    (local $mg v128) (local $mgx v128) (local $gg v128) (local $dyv v128) (local $xv v128)
    (local $sg f32) (local $sgx f32) (local $gs f32) (local $dys f32) (local $xs f32) (local $ir f32)
    (local.set $d4 (i32.and (local.get $d) (i32.const -4)))
    (block $rdone
      (loop $rl
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $o (i32.shl (i32.mul (local.get $r) (local.get $d)) (i32.const 2)))
        ;; Σ gg, Σ gg x̂ over the row; dg += dy x̂, db += dy
        (local.set $mg (v128.const f32x4 0 0 0 0))
        (local.set $mgx (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $d1 (loop $l1
          (br_if $d1 (i32.ge_u (local.get $j) (local.get $d4)))
          (local.set $p (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $q (i32.shl (local.get $j) (i32.const 2)))
          (local.set $dyv (v128.load (i32.add (local.get $dy) (local.get $p))))
          (local.set $xv (v128.load (i32.add (local.get $xh) (local.get $p))))
          (local.set $gg (f32x4.mul (local.get $dyv) (v128.load (i32.add (local.get $g) (local.get $q)))))
          (local.set $mg (f32x4.add (local.get $mg) (local.get $gg)))
          (local.set $mgx (f32x4.add (local.get $mgx) (f32x4.mul (local.get $gg) (local.get $xv))))
          (v128.store (i32.add (local.get $dg) (local.get $q))
            (f32x4.add (v128.load (i32.add (local.get $dg) (local.get $q))) (f32x4.mul (local.get $dyv) (local.get $xv))))
          (v128.store (i32.add (local.get $db) (local.get $q))
            (f32x4.add (v128.load (i32.add (local.get $db) (local.get $q))) (local.get $dyv)))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $l1)))
        (local.set $sg (call $hsum (local.get $mg)))
        (local.set $sgx (call $hsum (local.get $mgx)))
        (block $d2 (loop $l2
          (br_if $d2 (i32.ge_u (local.get $j) (local.get $d)))
          (local.set $p (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $q (i32.shl (local.get $j) (i32.const 2)))
          (local.set $dys (f32.load (i32.add (local.get $dy) (local.get $p))))
          (local.set $xs (f32.load (i32.add (local.get $xh) (local.get $p))))
          (local.set $gs (f32.mul (local.get $dys) (f32.load (i32.add (local.get $g) (local.get $q)))))
          (local.set $sg (f32.add (local.get $sg) (local.get $gs)))
          (local.set $sgx (f32.add (local.get $sgx) (f32.mul (local.get $gs) (local.get $xs))))
          (f32.store (i32.add (local.get $dg) (local.get $q))
            (f32.add (f32.load (i32.add (local.get $dg) (local.get $q))) (f32.mul (local.get $dys) (local.get $xs))))
          (f32.store (i32.add (local.get $db) (local.get $q))
            (f32.add (f32.load (i32.add (local.get $db) (local.get $q))) (local.get $dys)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l2)))
        ;; means
        (local.set $sg (f32.div (local.get $sg) (f32.convert_i32_u (local.get $d))))
        (local.set $sgx (f32.div (local.get $sgx) (f32.convert_i32_u (local.get $d))))
        (local.set $ir (f32.load (i32.add (local.get $inv) (i32.shl (local.get $r) (i32.const 2)))))
        ;; dx += ir (gg − mean(gg) − x̂ mean(gg x̂))
        (local.set $mg (f32x4.splat (local.get $sg)))
        (local.set $mgx (f32x4.splat (local.get $sgx)))
        (local.set $j (i32.const 0))
        (block $d3 (loop $l3
          (br_if $d3 (i32.ge_u (local.get $j) (local.get $d4)))
          (local.set $p (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $gg (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $p)))
            (v128.load (i32.add (local.get $g) (i32.shl (local.get $j) (i32.const 2))))))
          (v128.store (i32.add (local.get $dx) (local.get $p))
            (f32x4.add
              (if (result v128) (local.get $acc)
                (then (v128.load (i32.add (local.get $dx) (local.get $p))))
                (else (v128.const f32x4 0 0 0 0)))
              (f32x4.mul (f32x4.splat (local.get $ir))
                (f32x4.sub (f32x4.sub (local.get $gg) (local.get $mg))
                  (f32x4.mul (v128.load (i32.add (local.get $xh) (local.get $p))) (local.get $mgx))))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $l3)))
        (block $d4 (loop $l4
          (br_if $d4 (i32.ge_u (local.get $j) (local.get $d)))
          (local.set $p (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $gs (f32.mul (f32.load (i32.add (local.get $dy) (local.get $p)))
            (f32.load (i32.add (local.get $g) (i32.shl (local.get $j) (i32.const 2))))))
          (f32.store (i32.add (local.get $dx) (local.get $p))
            (f32.add
              (if (result f32) (local.get $acc)
                (then (f32.load (i32.add (local.get $dx) (local.get $p))))
                (else (f32.const 0)))
              (f32.mul (local.get $ir)
                (f32.sub (f32.sub (local.get $gs) (local.get $sg))
                  (f32.mul (f32.load (i32.add (local.get $xh) (local.get $p))) (local.get $sgx))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l4)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rl))))

  ;; ---------------------------------------------------------------------------------------------
  ;; AdamW over n floats (n a multiple of 4), c1 = 1 − β₁ᵗ, c2 = 1 − β₂ᵗ:
  ;;   m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  p ← p − lr (m/c1 / (√(v/c2) + eps) + λp)
  ;; ---------------------------------------------------------------------------------------------
  (func (export "adamw")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (param $lr f32) (param $b1 f32) (param $b2 f32) (param $eps f32) (param $wd f32) (param $c1 f32) (param $c2 f32)
    (local $end i32) (local $gv v128) (local $mv v128) (local $vv v128) (local $pv v128)
    (local $B1 v128) (local $B2 v128) (local $A1 v128) (local $A2 v128) (local $LR v128) (local $EPS v128)
    (local $WD v128) (local $IC1 v128) (local $IC2 v128)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $A1 (f32x4.splat (f32.sub (f32.const 1) (local.get $b1))))
    (local.set $A2 (f32x4.splat (f32.sub (f32.const 1) (local.get $b2))))
    (local.set $LR (f32x4.splat (local.get $lr)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $WD (f32x4.splat (local.get $wd)))
    (local.set $IC1 (f32x4.splat (local.get $c1)))
    (local.set $IC2 (f32x4.splat (local.get $c2)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $i
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $gv (v128.load (local.get $g)))
        (local.set $mv (f32x4.add (f32x4.mul (local.get $B1) (v128.load (local.get $m))) (f32x4.mul (local.get $A1) (local.get $gv))))
        (local.set $vv (f32x4.add (f32x4.mul (local.get $B2) (v128.load (local.get $v)))
          (f32x4.mul (local.get $A2) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (v128.store (local.get $m) (local.get $mv))
        (v128.store (local.get $v) (local.get $vv))
        (local.set $pv (v128.load (local.get $p)))
        (v128.store (local.get $p)
          (f32x4.sub (local.get $pv)
            (f32x4.mul (local.get $LR)
              (f32x4.add
                (f32x4.div (f32x4.div (local.get $mv) (local.get $IC1))
                  (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $IC2))) (local.get $EPS)))
                (f32x4.mul (local.get $WD) (local.get $pv))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (br $i))))

  ;; ---------------------------------------------------------------------------------------------
  ;; Bias: c = a + b for every row of (rows × nb);  colSum: db += Σ_rows dc;  axpy: y += α x (n a
  ;; multiple of 4)
  ;; ---------------------------------------------------------------------------------------------
  (func (export "addRows") (param $a i32) (param $b i32) (param $c i32) (param $rows i32) (param $nb i32)
    (local $r i32) (local $j i32) (local $n4 i32) (local $o i32)
    (local.set $n4 (i32.and (local.get $nb) (i32.const -4)))
    (block $rdone
      (loop $rl
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $d1 (loop $l1
          (br_if $d1 (i32.ge_u (local.get $j) (local.get $n4)))
          (local.set $o (i32.shl (local.get $j) (i32.const 2)))
          (v128.store (i32.add (local.get $c) (local.get $o))
            (f32x4.add (v128.load (i32.add (local.get $a) (local.get $o))) (v128.load (i32.add (local.get $b) (local.get $o)))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $l1)))
        (block $d2 (loop $l2
          (br_if $d2 (i32.ge_u (local.get $j) (local.get $nb)))
          (local.set $o (i32.shl (local.get $j) (i32.const 2)))
          (f32.store (i32.add (local.get $c) (local.get $o))
            (f32.add (f32.load (i32.add (local.get $a) (local.get $o))) (f32.load (i32.add (local.get $b) (local.get $o)))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l2)))
        (local.set $a (i32.add (local.get $a) (i32.shl (local.get $nb) (i32.const 2))))
        (local.set $c (i32.add (local.get $c) (i32.shl (local.get $nb) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rl))))

  (func (export "colSum") (param $dc i32) (param $db i32) (param $rows i32) (param $nb i32)
    (local $r i32) (local $j i32) (local $n4 i32) (local $o i32)
    (local.set $n4 (i32.and (local.get $nb) (i32.const -4)))
    (block $rdone
      (loop $rl
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $d1 (loop $l1
          (br_if $d1 (i32.ge_u (local.get $j) (local.get $n4)))
          (local.set $o (i32.shl (local.get $j) (i32.const 2)))
          (v128.store (i32.add (local.get $db) (local.get $o))
            (f32x4.add (v128.load (i32.add (local.get $db) (local.get $o))) (v128.load (i32.add (local.get $dc) (local.get $o)))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $l1)))
        (block $d2 (loop $l2
          (br_if $d2 (i32.ge_u (local.get $j) (local.get $nb)))
          (local.set $o (i32.shl (local.get $j) (i32.const 2)))
          (f32.store (i32.add (local.get $db) (local.get $o))
            (f32.add (f32.load (i32.add (local.get $db) (local.get $o))) (f32.load (i32.add (local.get $dc) (local.get $o)))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l2)))
        (local.set $dc (i32.add (local.get $dc) (i32.shl (local.get $nb) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rl))))

  (func (export "axpy") (param $x i32) (param $y i32) (param $n i32) (param $alpha f32)
    (local $end i32) (local $av v128)
    (local.set $av (f32x4.splat (local.get $alpha)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $i
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (v128.store (local.get $y)
          (f32x4.add (v128.load (local.get $y)) (f32x4.mul (local.get $av) (v128.load (local.get $x)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $i))))

  ;; ---------------------------------------------------------------------------------------------
  ;; RMSNorm over rows of d (Zhang & Sennrich 2019; LLaMA), gain g, no centring and no bias:
  ;;   1/σ̂ = 1/√(mean(x²) + eps),  x̂ = x/σ̂,  y = g x̂                  (x̂ and 1/σ̂ kept)
  ;;   backward, gg = dy ⊙ g:  dx (+)= (1/σ̂)(gg − x̂ mean(gg ⊙ x̂));  dg += dy ⊙ x̂   (acc = 0 writes dx)
  ;; ---------------------------------------------------------------------------------------------
  (func (export "rmsNormForward")
    (param $x i32) (param $g i32) (param $y i32) (param $xh i32) (param $inv i32)
    (param $rows i32) (param $d i32) (param $eps f32)
    (local $r i32) (local $j i32) (local $d4 i32) (local $p i32)
    (local $sv v128) (local $ss f32) (local $t f32) (local $ir f32) (local $irv v128) (local $xv v128)
    (local.set $d4 (i32.and (local.get $d) (i32.const -4)))
    (block $rdone
      (loop $rl
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        ;; Σ x² over the row
        (local.set $sv (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $d1 (loop $l1
          (br_if $d1 (i32.ge_u (local.get $j) (local.get $d4)))
          (local.set $xv (v128.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $sv (f32x4.add (local.get $sv) (f32x4.mul (local.get $xv) (local.get $xv))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $l1)))
        (local.set $ss (call $hsum (local.get $sv)))
        (block $d2 (loop $l2
          (br_if $d2 (i32.ge_u (local.get $j) (local.get $d)))
          (local.set $t (f32.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $ss (f32.add (local.get $ss) (f32.mul (local.get $t) (local.get $t))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l2)))
        (local.set $ir (f32.div (f32.const 1)
          (f32.sqrt (f32.add (f32.div (local.get $ss) (f32.convert_i32_u (local.get $d))) (local.get $eps)))))
        (f32.store (i32.add (local.get $inv) (i32.shl (local.get $r) (i32.const 2))) (local.get $ir))
        (local.set $irv (f32x4.splat (local.get $ir)))
        ;; x̂ and y
        (local.set $j (i32.const 0))
        (block $d3 (loop $l3
          (br_if $d3 (i32.ge_u (local.get $j) (local.get $d4)))
          (local.set $p (i32.shl (local.get $j) (i32.const 2)))
          (local.set $xv (f32x4.mul (local.get $irv) (v128.load (i32.add (local.get $x) (local.get $p)))))
          (v128.store (i32.add (local.get $xh) (local.get $p)) (local.get $xv))
          (v128.store (i32.add (local.get $y) (local.get $p))
            (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $p))) (local.get $xv)))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $l3)))
        (block $d4 (loop $l4
          (br_if $d4 (i32.ge_u (local.get $j) (local.get $d)))
          (local.set $p (i32.shl (local.get $j) (i32.const 2)))
          (local.set $t (f32.mul (local.get $ir) (f32.load (i32.add (local.get $x) (local.get $p)))))
          (f32.store (i32.add (local.get $xh) (local.get $p)) (local.get $t))
          (f32.store (i32.add (local.get $y) (local.get $p))
            (f32.mul (f32.load (i32.add (local.get $g) (local.get $p))) (local.get $t)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l4)))
        ;; next row: x, x̂ and y move on by d floats
        (local.set $p (i32.shl (local.get $d) (i32.const 2)))
        (local.set $x (i32.add (local.get $x) (local.get $p)))
        (local.set $xh (i32.add (local.get $xh) (local.get $p)))
        (local.set $y (i32.add (local.get $y) (local.get $p)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rl))))

  (func (export "rmsNormBackward")
    (param $dy i32) (param $g i32) (param $xh i32) (param $inv i32) (param $dx i32) (param $dg i32)
    (param $rows i32) (param $d i32) (param $acc i32)
    (local $r i32) (local $j i32) (local $d4 i32) (local $p i32)
    (local $mgx v128) (local $dyv v128) (local $xv v128) (local $irv v128)
    (local $sgx f32) (local $dys f32) (local $xs f32) (local $ir f32)
    (local.set $d4 (i32.and (local.get $d) (i32.const -4)))
    (block $rdone
      (loop $rl
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        ;; Σ (dy ⊙ g) ⊙ x̂ over the row; dg += dy ⊙ x̂
        (local.set $mgx (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $d1 (loop $l1
          (br_if $d1 (i32.ge_u (local.get $j) (local.get $d4)))
          (local.set $p (i32.shl (local.get $j) (i32.const 2)))
          (local.set $dyv (v128.load (i32.add (local.get $dy) (local.get $p))))
          (local.set $xv (v128.load (i32.add (local.get $xh) (local.get $p))))
          (local.set $mgx (f32x4.add (local.get $mgx)
            (f32x4.mul (f32x4.mul (local.get $dyv) (v128.load (i32.add (local.get $g) (local.get $p)))) (local.get $xv))))
          (v128.store (i32.add (local.get $dg) (local.get $p))
            (f32x4.add (v128.load (i32.add (local.get $dg) (local.get $p))) (f32x4.mul (local.get $dyv) (local.get $xv))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $l1)))
        (local.set $sgx (call $hsum (local.get $mgx)))
        (block $d2 (loop $l2
          (br_if $d2 (i32.ge_u (local.get $j) (local.get $d)))
          (local.set $p (i32.shl (local.get $j) (i32.const 2)))
          (local.set $dys (f32.load (i32.add (local.get $dy) (local.get $p))))
          (local.set $xs (f32.load (i32.add (local.get $xh) (local.get $p))))
          (local.set $sgx (f32.add (local.get $sgx)
            (f32.mul (f32.mul (local.get $dys) (f32.load (i32.add (local.get $g) (local.get $p)))) (local.get $xs))))
          (f32.store (i32.add (local.get $dg) (local.get $p))
            (f32.add (f32.load (i32.add (local.get $dg) (local.get $p))) (f32.mul (local.get $dys) (local.get $xs))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l2)))
        (local.set $sgx (f32.div (local.get $sgx) (f32.convert_i32_u (local.get $d))))
        (local.set $ir (f32.load (i32.add (local.get $inv) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $irv (f32x4.splat (local.get $ir)))
        (local.set $mgx (f32x4.splat (local.get $sgx)))
        ;; dx (+)= ir (dy ⊙ g − x̂ mean(gg x̂))
        (local.set $j (i32.const 0))
        (block $d3 (loop $l3
          (br_if $d3 (i32.ge_u (local.get $j) (local.get $d4)))
          (local.set $p (i32.shl (local.get $j) (i32.const 2)))
          (v128.store (i32.add (local.get $dx) (local.get $p))
            (f32x4.add
              (if (result v128) (local.get $acc)
                (then (v128.load (i32.add (local.get $dx) (local.get $p))))
                (else (v128.const f32x4 0 0 0 0)))
              (f32x4.mul (local.get $irv)
                (f32x4.sub
                  (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $p))) (v128.load (i32.add (local.get $g) (local.get $p))))
                  (f32x4.mul (v128.load (i32.add (local.get $xh) (local.get $p))) (local.get $mgx))))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $l3)))
        (block $d4 (loop $l4
          (br_if $d4 (i32.ge_u (local.get $j) (local.get $d)))
          (local.set $p (i32.shl (local.get $j) (i32.const 2)))
          (f32.store (i32.add (local.get $dx) (local.get $p))
            (f32.add
              (if (result f32) (local.get $acc)
                (then (f32.load (i32.add (local.get $dx) (local.get $p))))
                (else (f32.const 0)))
              (f32.mul (local.get $ir)
                (f32.sub
                  (f32.mul (f32.load (i32.add (local.get $dy) (local.get $p))) (f32.load (i32.add (local.get $g) (local.get $p))))
                  (f32.mul (f32.load (i32.add (local.get $xh) (local.get $p))) (local.get $sgx))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $l4)))
        ;; next row: dy, x̂ and dx move on by d floats
        (local.set $p (i32.shl (local.get $d) (i32.const 2)))
        (local.set $dy (i32.add (local.get $dy) (local.get $p)))
        (local.set $xh (i32.add (local.get $xh) (local.get $p)))
        (local.set $dx (i32.add (local.get $dx) (local.get $p)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rl))))
)
