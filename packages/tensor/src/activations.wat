;; The logistic sigmoid and tanh over float32 arrays in WebAssembly SIMD — the gate activations of the
;; recurrent layers (recurrent.ts), which spend most of their forward pass in e^x: four values per
;; instruction here against one Math.exp call per value in JavaScript. activations.ts holds the
;; JavaScript reference (Math.exp) and copies the arrays in and out; activations.test.ts compares them.
;;
;; e^x = 2^k · p(r): k = round(x / ln 2), r = x − k·ln 2 (ln 2 split in two parts, so r is exact to
;; float32), |r| ≤ ½ ln 2, p the degree-6 Taylor polynomial of e^r (relative error < 2e-7, float32's own
;; precision), and 2^k made by writing k + 127 into the exponent bits. x is clamped to [−87, 88]
;; first: e^x stays a normal float32 and k + 127 in 1..254.
;;   σ(x) = 1 / (1 + e^−x)        tanh(x) = 1 − 2 / (e^2x + 1)     (both exact at the saturated ends)
;;
;; Assembled by scripts/build-wasm.mjs (wabt, feature simd) into src/activations-wasm.ts.
(module
  ;; The values live here; activations.ts copies them in, grows the memory when needed, copies them out.
  (memory (export "memory") 1)

  ;; e^x on four lanes
  (func $exp4 (param $x v128) (result v128)
    (local $k v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.min (f32x4.max (local.get $x) (f32x4.splat (f32.const -87))) (f32x4.splat (f32.const 88))))
    ;; k = round(x · log2 e)
    (local.set $k (f32x4.nearest (f32x4.mul (local.get $x) (f32x4.splat (f32.const 1.44269504088896341)))))
    ;; r = x − k·ln2_hi − k·ln2_lo
    (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $k) (f32x4.splat (f32.const 0.693359375)))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $k) (f32x4.splat (f32.const -2.12194440e-4)))))
    ;; p(r) = 1 + r(1 + r(1/2 + r(1/6 + r(1/24 + r(1/120 + r/720)))))   (Horner)
    (local.set $p (f32x4.splat (f32.const 1.38888889e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 8.33333333e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 4.16666667e-2))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.66666667e-1))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 0.5))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1))))
    ;; · 2^k: (k + 127) << 23 is the float32 2^k
    (f32x4.mul
      (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $k)) (i32x4.splat (i32.const 127))) (i32.const 23))))

  (func $sigmoid4 (param $x v128) (result v128)
    (f32x4.div
      (f32x4.splat (f32.const 1))
      (f32x4.add (f32x4.splat (f32.const 1)) (call $exp4 (f32x4.neg (local.get $x))))))

  (func $tanh4 (param $x v128) (result v128)
    (f32x4.sub
      (f32x4.splat (f32.const 1))
      (f32x4.div
        (f32x4.splat (f32.const 2))
        (f32x4.add (call $exp4 (f32x4.add (local.get $x) (local.get $x))) (f32x4.splat (f32.const 1))))))

  ;; In place over n floats at byte address p: f = 0 sigmoid, 1 tanh. Four at a time, then the last
  ;; 1–3 one at a time (each in lane 0 of a vector).
  (func $apply (param $p i32) (param $n i32) (param $f i32)
    (local $end i32) (local $end4 i32) (local $v v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done4
      (loop $four
        (br_if $done4 (i32.ge_u (local.get $p) (local.get $end4)))
        (local.set $v (v128.load (local.get $p)))
        (if (local.get $f)
          (then (local.set $v (call $tanh4 (local.get $v))))
          (else (local.set $v (call $sigmoid4 (local.get $v)))))
        (v128.store (local.get $p) (local.get $v))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $four)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (f32x4.splat (f32.load (local.get $p))))
        (if (local.get $f)
          (then (local.set $v (call $tanh4 (local.get $v))))
          (else (local.set $v (call $sigmoid4 (local.get $v)))))
        (f32.store (local.get $p) (f32x4.extract_lane 0 (local.get $v)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $one))))

  (func (export "sigmoid") (param $p i32) (param $n i32)
    (call $apply (local.get $p) (local.get $n) (i32.const 0)))

  (func (export "tanh") (param $p i32) (param $n i32)
    (call $apply (local.get $p) (local.get $n) (i32.const 1)))

  ;; The LSTM's gates in place: `rows` rows of [i | f | g | o], H values each — σ on i, f and o, tanh on g.
  (func (export "lstmGates") (param $p i32) (param $rows i32) (param $H i32)
    (local $r i32) (local $hb i32)
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (call $apply (local.get $p) (i32.shl (local.get $H) (i32.const 1)) (i32.const 0))
        (call $apply (i32.add (local.get $p) (i32.shl (local.get $hb) (i32.const 1))) (local.get $H) (i32.const 1))
        (call $apply (i32.add (local.get $p) (i32.mul (local.get $hb) (i32.const 3))) (local.get $H) (i32.const 0))
        (local.set $p (i32.add (local.get $p) (i32.shl (local.get $hb) (i32.const 2))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row)))))
