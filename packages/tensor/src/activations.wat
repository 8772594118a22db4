;; The logistic sigmoid and tanh over float32 arrays in WebAssembly SIMD — the gate activations of the
;; recurrent layers (recurrent.ts), which spend most of their forward pass in e^x: four values per
;; instruction here against one Math.exp call per value in JavaScript. activations.ts holds the
;; JavaScript reference (Math.exp) and copies the arrays in and out; activations.test.ts compares them.
;;
;; e^x and tanh are src/exp-tanh-f32.wat's (the ones elementwise-f32.wat's GELU and softmax use),
;; spliced in by scripts/build-wasm.mjs:
;;   σ(x) = 1 / (1 + e^−x)        tanh(x) = sign(x) · −t / (t + 2), t = e^(−2|x|) − 1
;; both within float32's rounding of the float64 formulas (max relative error: exp 8.1e-8, tanh 1.7e-7).
;;
;; Assembled by scripts/build-wasm.mjs (wabt, feature simd) into src/activations-wasm.ts.
(module
  ;; The values live here; activations.ts copies them in, grows the memory when needed, copies them out.
  (memory (export "memory") 1)

  ;; $exp and $tanh over four lanes
  ;; #include "exp-tanh-f32.wat"

  (func $sigmoid4 (param $x v128) (result v128)
    (f32x4.div
      (f32x4.splat (f32.const 1))
      (f32x4.add (f32x4.splat (f32.const 1)) (call $exp (f32x4.neg (local.get $x))))))

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
          (then (local.set $v (call $tanh (local.get $v))))
          (else (local.set $v (call $sigmoid4 (local.get $v)))))
        (v128.store (local.get $p) (local.get $v))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $four)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (f32x4.splat (f32.load (local.get $p))))
        (if (local.get $f)
          (then (local.set $v (call $tanh (local.get $v))))
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
