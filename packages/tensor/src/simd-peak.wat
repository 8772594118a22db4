;; The WebAssembly SIMD peak of this machine (simd-peak.ts): a loop of 12 independent f32x4
;; multiply-adds on two registers — no loads, no stores, no dependency between the 12 sums inside one
;; trip — so the time per trip is the vector units' throughput, not a latency. Each trip is
;; 12 × 4 lanes × 2 flops = 96 flops. scripts/build-wasm.mjs also assembles it with each
;; `(f32x4.add (local.get $sN) (f32x4.mul (local.get $x) (local.get $y)))` fused into
;; `(f32x4.relaxed_madd (local.get $x) (local.get $y) (local.get $sN))` (relaxed SIMD).
(module
  (func (export "run") (param $n i32) (result f32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $s4 v128) (local $s5 v128) (local $s6 v128) (local $s7 v128) (local $s8 v128) (local $s9 v128) (local $s10 v128) (local $s11 v128) (local $x v128) (local $y v128)
    (local.set $x (f32x4.splat (f32.const 1.0000001)))
    (local.set $y (f32x4.splat (f32.const 0.9999999)))
    (loop $trip
      (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $x) (local.get $y))))
      (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $x) (local.get $y))))
      (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $x) (local.get $y))))
      (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $x) (local.get $y))))
      (local.set $s4 (f32x4.add (local.get $s4) (f32x4.mul (local.get $x) (local.get $y))))
      (local.set $s5 (f32x4.add (local.get $s5) (f32x4.mul (local.get $x) (local.get $y))))
      (local.set $s6 (f32x4.add (local.get $s6) (f32x4.mul (local.get $x) (local.get $y))))
      (local.set $s7 (f32x4.add (local.get $s7) (f32x4.mul (local.get $x) (local.get $y))))
      (local.set $s8 (f32x4.add (local.get $s8) (f32x4.mul (local.get $x) (local.get $y))))
      (local.set $s9 (f32x4.add (local.get $s9) (f32x4.mul (local.get $x) (local.get $y))))
      (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x) (local.get $y))))
      (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x) (local.get $y))))
      (br_if $trip (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    ;; the sums are read so that the loop is not dead code
    (f32x4.extract_lane 0 (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.add (f32x4.add (local.get $s0) (local.get $s1)) (local.get $s2)) (local.get $s3)) (local.get $s4)) (local.get $s5)) (local.get $s6)) (local.get $s7)) (local.get $s8)) (local.get $s9)) (local.get $s10)) (local.get $s11)))))
