  ;; ---------------------------------------------------------------------------------------------
  ;; e^x and tanh (and GELU's tanh term) over four float32 lanes: the one implementation that elementwise-f32.wat (GELU,
  ;; softmax, cross-entropy), activations.wat (the recurrent gates: σ, tanh) and llama-decode.wat
  ;; (attention's softmax, SiLU) are assembled with — scripts/build-wasm.mjs splices this file in
  ;; where a module's text says `;; #include`.
  ;;
  ;; e^x: x = n ln2 + r (|r| ≤ ln2/2; ln2 split in two parts so r is exact to float32),
  ;; e^r = 1 + r + r²·y(r) with y Cephes expf's degree-5 minimax polynomial, times 2^n built in the
  ;; exponent bits: n, a whole number, added to 1.5·2^23 + 127 leaves n + 127 in the low mantissa
  ;; bits, shifted into place (cheaper than i32x4.trunc_sat_f32x4_s, several x86 instructions).
  ;; x is clamped to [−87.33654, 88] first, so n + 127 stays in 1..254; x below −87.33654 gives 0
  ;; (−∞ included), x above 88 gives e^88, NaN stays NaN.
  ;; tanh: the same reduction and polynomial give t = e^(−2|x|) − 1 = 2^n (r + r² y) + (2^n − 1)
  ;; without cancellation (n = 0 near x = 0), then tanh x = sign(x) · −t / (t + 2), t ∈ (−1, 0].
  ;; $tanh repeats the reduction inline: a shared function returning (r + r²y, 2^n) measured 5–10%
  ;; slower. The clamps are pmin/pmax (one instruction each on x64; a NaN x stays NaN).
  ;;
  ;; Against Math.exp / Math.tanh in float64 on 4M-point grids of float32 inputs: exp max relative
  ;; error 8.1e-8 on [−87, 88]; tanh max absolute 1.5e-7 and relative 1.7e-7 on [−100, 100], 1.5e-7
  ;; relative on [−1e-3, 1e-3] — float32's own rounding (6e-8) and a little. (They replaced
  ;; activations.wat's degree-6 Taylor e^x, relative error 2.5e-7, whose tanh 1 − 2/(e^2x + 1) lost
  ;; all relative precision near 0 — 1.7 at x ≈ 1e-5 — and elementwise-f32.wat's rational tanh,
  ;; 3.9e-7 absolute near |x| = 5.8; llama-decode.wat had a third copy of the Cephes e^x.)
  ;; ---------------------------------------------------------------------------------------------
  ;; e^x, four lanes
  (func $exp (param $x v128) (result v128)
    (local $in v128) (local $fx v128) (local $y v128)
    (local.set $in (local.get $x))
    (local.set $x
      (f32x4.pmin
        (f32x4.pmax (local.get $x) (f32x4.splat (f32.const -87.33654)))
        (f32x4.splat (f32.const 88.0))))
    (local.set $fx
      (f32x4.nearest
        (f32x4.mul (local.get $x) (f32x4.splat (f32.const 1.44269504)))))
    (local.set $x
      (f32x4.sub (local.get $x)
        (f32x4.mul (local.get $fx) (f32x4.splat (f32.const 0.693359375)))))
    (local.set $x
      (f32x4.add (local.get $x)
        (f32x4.mul (local.get $fx) (f32x4.splat (f32.const 2.12194440e-4)))))
    (local.set $y (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x))
      (f32x4.splat (f32.const 1.3981999507e-3))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x))
      (f32x4.splat (f32.const 8.3334519073e-3))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x))
      (f32x4.splat (f32.const 4.1665795894e-2))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x))
      (f32x4.splat (f32.const 1.6666665459e-1))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x))
      (f32x4.splat (f32.const 5.0000001201e-1))))
    ;; 2^n (1 + r + r² y), then 0 where x was below the range
    (v128.bitselect
      (v128.const f32x4 0 0 0 0)
      (f32x4.mul
        (i32x4.shl
          (f32x4.add (local.get $fx) (f32x4.splat (f32.const 12583039)))
          (i32.const 23))
        (f32x4.add
          (f32x4.add (f32x4.mul (local.get $y) (f32x4.mul (local.get $x) (local.get $x))) (local.get $x))
          (f32x4.splat (f32.const 1.0))))
      (f32x4.lt (local.get $in) (f32x4.splat (f32.const -87.33654)))))

  ;; tanh(x), four lanes
  (func $tanh (param $x v128) (result v128)
    (local $s v128) (local $fx v128) (local $y v128) (local $pow v128) (local $t v128)
    (local.set $s (v128.and (local.get $x) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)))
    ;; −2|x|, ≥ −18 (tanh is ±1 in float32 from |x| = 9.01 on)
    (local.set $x (f32x4.pmax (f32x4.mul (f32x4.abs (local.get $x)) (f32x4.splat (f32.const -2.0))) (f32x4.splat (f32.const -18.0))))
    (local.set $fx
      (f32x4.nearest
        (f32x4.mul (local.get $x) (f32x4.splat (f32.const 1.44269504)))))
    (local.set $x
      (f32x4.sub (local.get $x)
        (f32x4.mul (local.get $fx) (f32x4.splat (f32.const 0.693359375)))))
    (local.set $x
      (f32x4.add (local.get $x)
        (f32x4.mul (local.get $fx) (f32x4.splat (f32.const 2.12194440e-4)))))
    (local.set $y (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x))
      (f32x4.splat (f32.const 1.3981999507e-3))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x))
      (f32x4.splat (f32.const 8.3334519073e-3))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x))
      (f32x4.splat (f32.const 4.1665795894e-2))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x))
      (f32x4.splat (f32.const 1.6666665459e-1))))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x))
      (f32x4.splat (f32.const 5.0000001201e-1))))
    (local.set $pow (i32x4.shl (f32x4.add (local.get $fx) (f32x4.splat (f32.const 12583039))) (i32.const 23)))
    ;; t = e^(−2|x|) − 1 = 2^n (r + r² y) + (2^n − 1)
    (local.set $t
      (f32x4.add
        (f32x4.mul (local.get $pow)
          (f32x4.add (f32x4.mul (local.get $y) (f32x4.mul (local.get $x) (local.get $x))) (local.get $x)))
        (f32x4.sub (local.get $pow) (f32x4.splat (f32.const 1.0)))))
    ;; tanh|x| = (0 − t) / (t + 2) (0 − t, not −t: tanh(0) is +0), then x's sign
    (v128.or
      (f32x4.div (f32x4.sub (v128.const i32x4 0 0 0 0) (local.get $t)) (f32x4.add (local.get $t) (f32x4.splat (f32.const 2.0))))
      (local.get $s)))

  ;; GELU's (tanh form) t = tanh(√(2/π)(x + 0.044715x³)), four lanes: y = ½x(1 + t)
  (func $geluTanh (param $v v128) (result v128)
    ;; tanh(√(2/π) x (1 + 0.044715 x²))
    (call $tanh
      (f32x4.mul
        (f32x4.mul (local.get $v) (v128.const f32x4 0.7978845608 0.7978845608 0.7978845608 0.7978845608))
        (f32x4.add (v128.const f32x4 1.0 1.0 1.0 1.0)
          (f32x4.mul (v128.const f32x4 0.044715 0.044715 0.044715 0.044715)
            (f32x4.mul (local.get $v) (local.get $v)))))))
