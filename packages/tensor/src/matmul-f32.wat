;; Float32 matrix products for the autograd engine (autograd.ts) in WebAssembly SIMD — the fast path
;; of the JavaScript kernels in matmul-f32.ts.
;;
;; All matrices are row-major float32 in the exported linear memory; addresses and strides are in
;; bytes. Vectorisation is over the output columns j: the four lanes of an f32x4 hold four output
;; elements C[r,j..j+3], each with its own sum over k in ascending order, so every element is summed
;; as the textbook loop sums it, in float32. Every term is added by one `f32x4.relaxed_madd` (also
;; the single columns, in lane 0): scripts/build-wasm.mjs assembles this text twice — as it is
;; (relaxed SIMD: one fused multiply-add, one rounding a term; matmul-f32-fma-wasm.ts) and with each
;; relaxed_madd unfused into f32x4.mul + f32x4.add (round after the multiply and after the add, as
;; plain SIMD must; matmul-f32-wasm.ts, what Node 20 runs). matmul-f32.ts takes the first where it
;; compiles. Either way every element gets the same operations whichever tile computes it, so the
;; threaded products equal one thread's bit for bit. The JavaScript path keeps its partial sums in
;; float64 between stores, so the two agree to float32 rounding, not bit for bit (matmul-f32.test.ts).
;; (On AMD Zen 4 the fused module runs ~15 % faster: the same flops a cycle — Zen multiplies and
;; adds on separate pipes — in fewer instructions, and 6-row tiles where the plain module's spill.
;; Its 6 × 8 micro-kernel alone reached 55–56 GFLOP/s, ~97 % of the 12-accumulator mul + add peak
;; that matmul-f32.bench.ts measures; whole products 80–93 % of it, the rest is packing, tile edges,
;; cache misses and matmul-f32.ts' copies in and out of this memory.)
;;
;; Every kernel takes a flag `acc`: 0 writes C = A·B, 1 adds to what C holds (C += A·B), which the
;; backward passes use to add into existing gradients and the reduction blocking below uses to
;; continue a sum.
;;
;; Assembled by scripts/build-wasm.mjs (wabt, features simd and relaxed_simd) into
;; src/matmul-f32-fma-wasm.ts and src/matmul-f32-wasm.ts, and over a shared memory into their
;; -shared- twins for matmul-f32-threads.ts.
(module
  ;; The operands live here; matmul-f32.ts copies them in, grows the memory when needed, copies C out.
  (memory (export "memory") 1)

  ;; Rows of A a micro-kernel tile takes: 6 in the fused module ($tile6x8), 4 in the plain one
  ;; (scripts/build-wasm.mjs sets 4 there; $tile4x8)
  (global $tileRows i32 (i32.const 6))

  ;; ------------------------------------------------------------------------------------------
  ;; Micro-kernels: one tile of C, every sum held in registers over the whole reduction.
  ;;   a      address of a(0,0), the tile's first A entry
  ;;   ar     bytes from a(r,k) to a(r+1,k)      (the tile's rows)
  ;;   ak     bytes from a(r,k) to a(r,k+1)      (the reduction)
  ;;   b      address of B[0,j], the tile's first column;  br: bytes per row of B
  ;;   c      address of C[0,j];                           cr: bytes per row of C
  ;;   len    length of the reduction (number of k)
  ;;   acc    1: the sums start from C's current values, 0: from +0.0
  ;; ------------------------------------------------------------------------------------------

  ;; 4 rows × 8 columns from packed panels (see $gemmPanel): C[r, j..j+7] (+)= Σ_k a(r,k) · B[k, j..j+7]
  ;;   pa  4 rows of A, k-major: a(0,k) a(1,k) a(2,k) a(3,k) at pa + 16k
  ;;   pb  8 columns of B, k-major: B[k, j..j+7] at pb + 32k
  ;; eight f32x4 sums (s<r><half>), two B loads and four broadcasts of A per k — eleven vectors,
  ;; which fit the sixteen SIMD registers of x86-64 without spilling. (V8 unrolls this loop itself and
  ;; hoists the broadcasts' addresses; unrolling it here made it slower.)
  (func $tile4x8
    (param $pa i32) (param $pb i32) (param $c i32) (param $cr i32) (param $len i32) (param $acc i32)
    (local $c1 i32) (local $c2 i32) (local $c3 i32)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local $w0 v128) (local $w1 v128) (local $x v128)
    (local.set $c1 (i32.add (local.get $c) (local.get $cr)))
    (local.set $c2 (i32.add (local.get $c1) (local.get $cr)))
    (local.set $c3 (i32.add (local.get $c2) (local.get $cr)))
    ;; s = C (accumulate) or +0.0 (the locals start as all-zero bits)
    (if (local.get $acc)
      (then
        (local.set $s00 (v128.load (local.get $c)))
        (local.set $s01 (v128.load offset=16 (local.get $c)))
        (local.set $s10 (v128.load (local.get $c1)))
        (local.set $s11 (v128.load offset=16 (local.get $c1)))
        (local.set $s20 (v128.load (local.get $c2)))
        (local.set $s21 (v128.load offset=16 (local.get $c2)))
        (local.set $s30 (v128.load (local.get $c3)))
        (local.set $s31 (v128.load offset=16 (local.get $c3)))))
    (block $done
      (br_if $done (i32.eqz (local.get $len)))
      (loop $k
        (local.set $w0 (v128.load (local.get $pb)))
        (local.set $w1 (v128.load offset=16 (local.get $pb)))
        ;; s_r += a(r,k) · B[k, j..j+7]: a(r,k) broadcast to the four lanes
        (local.set $x (v128.load32_splat (local.get $pa)))
        (local.set $s00 (f32x4.relaxed_madd (local.get $x) (local.get $w0) (local.get $s00)))
        (local.set $s01 (f32x4.relaxed_madd (local.get $x) (local.get $w1) (local.get $s01)))
        (local.set $x (v128.load32_splat offset=4 (local.get $pa)))
        (local.set $s10 (f32x4.relaxed_madd (local.get $x) (local.get $w0) (local.get $s10)))
        (local.set $s11 (f32x4.relaxed_madd (local.get $x) (local.get $w1) (local.get $s11)))
        (local.set $x (v128.load32_splat offset=8 (local.get $pa)))
        (local.set $s20 (f32x4.relaxed_madd (local.get $x) (local.get $w0) (local.get $s20)))
        (local.set $s21 (f32x4.relaxed_madd (local.get $x) (local.get $w1) (local.get $s21)))
        (local.set $x (v128.load32_splat offset=12 (local.get $pa)))
        (local.set $s30 (f32x4.relaxed_madd (local.get $x) (local.get $w0) (local.get $s30)))
        (local.set $s31 (f32x4.relaxed_madd (local.get $x) (local.get $w1) (local.get $s31)))
        ;; k += 1
        (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
        (br_if $k (local.tee $len (i32.sub (local.get $len) (i32.const 1))))))
    ;; C[r, j..j+7] = s_r
    (v128.store (local.get $c) (local.get $s00))
    (v128.store offset=16 (local.get $c) (local.get $s01))
    (v128.store (local.get $c1) (local.get $s10))
    (v128.store offset=16 (local.get $c1) (local.get $s11))
    (v128.store (local.get $c2) (local.get $s20))
    (v128.store offset=16 (local.get $c2) (local.get $s21))
    (v128.store (local.get $c3) (local.get $s30))
    (v128.store offset=16 (local.get $c3) (local.get $s31)))

  ;; 6 rows × 8 columns, as $tile4x8 with 6 rows of A in the panel (a(r,k) at pa + 24k + 4r): twelve
  ;; sums, two B loads and a broadcast — fifteen vectors, what V8 allocates on x86-64 (xmm15 is its
  ;; scratch register). The fused module's tile: the plain module's multiply needs one more register
  ;; (the product before the add) and spilled, so it stays with 4 rows ($tileRows).
  (func $tile6x8
    (param $pa i32) (param $pb i32) (param $c i32) (param $cr i32) (param $len i32) (param $acc i32)
    (local $cq i32)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128) (local $s20 v128) (local $s21 v128)
    (local $s30 v128) (local $s31 v128) (local $s40 v128) (local $s41 v128) (local $s50 v128) (local $s51 v128)
    (local $w0 v128) (local $w1 v128) (local $x v128)
    (if (local.get $acc)
      (then
        (local.set $cq (local.get $c))
        (local.set $s00 (v128.load (local.get $cq)))
        (local.set $s01 (v128.load offset=16 (local.get $cq)))
        (local.set $cq (i32.add (local.get $cq) (local.get $cr)))
        (local.set $s10 (v128.load (local.get $cq)))
        (local.set $s11 (v128.load offset=16 (local.get $cq)))
        (local.set $cq (i32.add (local.get $cq) (local.get $cr)))
        (local.set $s20 (v128.load (local.get $cq)))
        (local.set $s21 (v128.load offset=16 (local.get $cq)))
        (local.set $cq (i32.add (local.get $cq) (local.get $cr)))
        (local.set $s30 (v128.load (local.get $cq)))
        (local.set $s31 (v128.load offset=16 (local.get $cq)))
        (local.set $cq (i32.add (local.get $cq) (local.get $cr)))
        (local.set $s40 (v128.load (local.get $cq)))
        (local.set $s41 (v128.load offset=16 (local.get $cq)))
        (local.set $cq (i32.add (local.get $cq) (local.get $cr)))
        (local.set $s50 (v128.load (local.get $cq)))
        (local.set $s51 (v128.load offset=16 (local.get $cq)))))
    (block $done
      (br_if $done (i32.eqz (local.get $len)))
      (loop $k
        (local.set $w0 (v128.load (local.get $pb)))
        (local.set $w1 (v128.load offset=16 (local.get $pb)))
        ;; s_r += a(r,k) · B[k, j..j+7]: a(r,k) broadcast to the four lanes
        (local.set $x (v128.load32_splat (local.get $pa)))
        (local.set $s00 (f32x4.relaxed_madd (local.get $x) (local.get $w0) (local.get $s00)))
        (local.set $s01 (f32x4.relaxed_madd (local.get $x) (local.get $w1) (local.get $s01)))
        (local.set $x (v128.load32_splat offset=4 (local.get $pa)))
        (local.set $s10 (f32x4.relaxed_madd (local.get $x) (local.get $w0) (local.get $s10)))
        (local.set $s11 (f32x4.relaxed_madd (local.get $x) (local.get $w1) (local.get $s11)))
        (local.set $x (v128.load32_splat offset=8 (local.get $pa)))
        (local.set $s20 (f32x4.relaxed_madd (local.get $x) (local.get $w0) (local.get $s20)))
        (local.set $s21 (f32x4.relaxed_madd (local.get $x) (local.get $w1) (local.get $s21)))
        (local.set $x (v128.load32_splat offset=12 (local.get $pa)))
        (local.set $s30 (f32x4.relaxed_madd (local.get $x) (local.get $w0) (local.get $s30)))
        (local.set $s31 (f32x4.relaxed_madd (local.get $x) (local.get $w1) (local.get $s31)))
        (local.set $x (v128.load32_splat offset=16 (local.get $pa)))
        (local.set $s40 (f32x4.relaxed_madd (local.get $x) (local.get $w0) (local.get $s40)))
        (local.set $s41 (f32x4.relaxed_madd (local.get $x) (local.get $w1) (local.get $s41)))
        (local.set $x (v128.load32_splat offset=20 (local.get $pa)))
        (local.set $s50 (f32x4.relaxed_madd (local.get $x) (local.get $w0) (local.get $s50)))
        (local.set $s51 (f32x4.relaxed_madd (local.get $x) (local.get $w1) (local.get $s51)))
        ;; k += 1
        (local.set $pa (i32.add (local.get $pa) (i32.const 24)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
        (br_if $k (local.tee $len (i32.sub (local.get $len) (i32.const 1))))))
    (local.set $cq (local.get $c))
    (v128.store (local.get $cq) (local.get $s00))
    (v128.store offset=16 (local.get $cq) (local.get $s01))
    (local.set $cq (i32.add (local.get $cq) (local.get $cr)))
    (v128.store (local.get $cq) (local.get $s10))
    (v128.store offset=16 (local.get $cq) (local.get $s11))
    (local.set $cq (i32.add (local.get $cq) (local.get $cr)))
    (v128.store (local.get $cq) (local.get $s20))
    (v128.store offset=16 (local.get $cq) (local.get $s21))
    (local.set $cq (i32.add (local.get $cq) (local.get $cr)))
    (v128.store (local.get $cq) (local.get $s30))
    (v128.store offset=16 (local.get $cq) (local.get $s31))
    (local.set $cq (i32.add (local.get $cq) (local.get $cr)))
    (v128.store (local.get $cq) (local.get $s40))
    (v128.store offset=16 (local.get $cq) (local.get $s41))
    (local.set $cq (i32.add (local.get $cq) (local.get $cr)))
    (v128.store (local.get $cq) (local.get $s50))
    (v128.store offset=16 (local.get $cq) (local.get $s51)))

  ;; 2 rows × 8 columns, as $tile4x8 with 2 rows of A in the panel (a(r,k) at pa + 8k + 4r): the
  ;; last 2 or 3 rows of a product (2048 = 6·341 + 2), which would otherwise go one at a time
  (func $tile2x8
    (param $pa i32) (param $pb i32) (param $c i32) (param $cr i32) (param $len i32) (param $acc i32)
    (local $c1 i32) (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $w0 v128) (local $w1 v128) (local $x v128)
    (local.set $c1 (i32.add (local.get $c) (local.get $cr)))
    (if (local.get $acc)
      (then
        (local.set $s00 (v128.load (local.get $c)))
        (local.set $s01 (v128.load offset=16 (local.get $c)))
        (local.set $s10 (v128.load (local.get $c1)))
        (local.set $s11 (v128.load offset=16 (local.get $c1)))))
    (block $done
      (br_if $done (i32.eqz (local.get $len)))
      (loop $k
        (local.set $w0 (v128.load (local.get $pb)))
        (local.set $w1 (v128.load offset=16 (local.get $pb)))
        (local.set $x (v128.load32_splat (local.get $pa)))
        (local.set $s00 (f32x4.relaxed_madd (local.get $x) (local.get $w0) (local.get $s00)))
        (local.set $s01 (f32x4.relaxed_madd (local.get $x) (local.get $w1) (local.get $s01)))
        (local.set $x (v128.load32_splat offset=4 (local.get $pa)))
        (local.set $s10 (f32x4.relaxed_madd (local.get $x) (local.get $w0) (local.get $s10)))
        (local.set $s11 (f32x4.relaxed_madd (local.get $x) (local.get $w1) (local.get $s11)))
        (local.set $pa (i32.add (local.get $pa) (i32.const 8)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
        (br_if $k (local.tee $len (i32.sub (local.get $len) (i32.const 1))))))
    (v128.store (local.get $c) (local.get $s00))
    (v128.store offset=16 (local.get $c) (local.get $s01))
    (v128.store (local.get $c1) (local.get $s10))
    (v128.store offset=16 (local.get $c1) (local.get $s11)))

  ;; 1 row × 8 columns: C[0, j..j+7] (+)= Σ_k a(0,k) · B[k, j..j+7]   (the rows below the 4-row blocks)
  (func $tile1x8
    (param $a i32) (param $ak i32) (param $b i32) (param $br i32) (param $c i32) (param $len i32) (param $acc i32)
    (local $s0 v128) (local $s1 v128) (local $x v128)
    (if (local.get $acc)
      (then
        (local.set $s0 (v128.load (local.get $c)))
        (local.set $s1 (v128.load offset=16 (local.get $c)))))
    (block $done
      (br_if $done (i32.eqz (local.get $len)))
      (loop $k
        (local.set $x (v128.load32_splat (local.get $a)))
        (local.set $s0 (f32x4.relaxed_madd (local.get $x) (v128.load (local.get $b)) (local.get $s0)))
        (local.set $s1 (f32x4.relaxed_madd (local.get $x) (v128.load offset=16 (local.get $b)) (local.get $s1)))
        (local.set $a (i32.add (local.get $a) (local.get $ak)))
        (local.set $b (i32.add (local.get $b) (local.get $br)))
        (br_if $k (local.tee $len (i32.sub (local.get $len) (i32.const 1))))))
    (v128.store (local.get $c) (local.get $s0))
    (v128.store offset=16 (local.get $c) (local.get $s1)))

  ;; 1 row × 4 columns: C[0, j..j+3] (+)= Σ_k a(0,k) · B[k, j..j+3]
  (func $tile1x4
    (param $a i32) (param $ak i32) (param $b i32) (param $br i32) (param $c i32) (param $len i32) (param $acc i32)
    (local $s v128)
    (if (local.get $acc) (then (local.set $s (v128.load (local.get $c)))))
    (block $done
      (br_if $done (i32.eqz (local.get $len)))
      (loop $k
        (local.set $s
          (f32x4.relaxed_madd (v128.load32_splat (local.get $a)) (v128.load (local.get $b)) (local.get $s)))
        (local.set $a (i32.add (local.get $a) (local.get $ak)))
        (local.set $b (i32.add (local.get $b) (local.get $br)))
        (br_if $k (local.tee $len (i32.sub (local.get $len) (i32.const 1))))))
    (v128.store (local.get $c) (local.get $s)))

;; 1 row × 1 column: C[0,j] (+)= Σ_k a(0,k) · B[k,j]   (the last 1–3 columns), in lane 0 of an f32x4 so
  ;; that its multiply-adds are the same operation as the vector tiles' (fused in the relaxed module)
  (func $tile1x1
    (param $a i32) (param $ak i32) (param $b i32) (param $br i32) (param $c i32) (param $len i32) (param $acc i32)
    (local $s v128)
    (if (local.get $acc) (then (local.set $s (v128.load32_zero (local.get $c)))))
    (block $done
      (br_if $done (i32.eqz (local.get $len)))
      (loop $k
        (local.set $s
          (f32x4.relaxed_madd (v128.load32_zero (local.get $a)) (v128.load32_zero (local.get $b)) (local.get $s)))
        (local.set $a (i32.add (local.get $a) (local.get $ak)))
        (local.set $b (i32.add (local.get $b) (local.get $br)))
        (br_if $k (local.tee $len (i32.sub (local.get $len) (i32.const 1))))))
    (v128.store32_lane 0 (local.get $c) (local.get $s)))

  ;; One row of C from column j on: 8-column tiles, then a 4-column tile, then single columns.
  (func $rowFrom
    (param $a i32) (param $ak i32) (param $b i32) (param $br i32) (param $c i32) (param $len i32)
    (param $j i32) (param $cols i32) (param $acc i32)
    ;; b and c point at column 0; move them to column j
    (local.set $b (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
    (local.set $c (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2))))
    (block $done8
      (loop $j8
        (br_if $done8 (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $cols)))
        (call $tile1x8
          (local.get $a) (local.get $ak) (local.get $b) (local.get $br) (local.get $c) (local.get $len)
          (local.get $acc))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (local.set $c (i32.add (local.get $c) (i32.const 32)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $j8)))
    (if (i32.le_u (i32.add (local.get $j) (i32.const 4)) (local.get $cols))
      (then
        (call $tile1x4
          (local.get $a) (local.get $ak) (local.get $b) (local.get $br) (local.get $c) (local.get $len)
          (local.get $acc))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))))
    (block $done1
      (loop $j1
        (br_if $done1 (i32.ge_u (local.get $j) (local.get $cols)))
        (call $tile1x1
          (local.get $a) (local.get $ak) (local.get $b) (local.get $br) (local.get $c) (local.get $len)
          (local.get $acc))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $j1))))

  ;; Packs 4 rows of A k-major: a(q,k) (at src + q·ar + k·ak) to dst + ds·k + 4q for q < 4, k < len
  ;; (ds: bytes a k in the panel, 16 or 24). Rows of A (ak = 4: A B and A Bᵀ): 4 k at a time, 4 × 4
  ;; blocks transposed with shuffles as in $transpose; columns of A (ar = 4: Aᵀ B): a(0..3, k) are
  ;; side by side, one f32x4 a k; else (and the last len mod 4 k of rows) one float at a time.
  (func $packA4 (param $src i32) (param $ar i32) (param $ak i32) (param $dst i32) (param $ds i32) (param $len i32)
    (local $k i32) (local $len4 i32) (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $u0 v128) (local $u1 v128) (local $u2 v128) (local $u3 v128)
    (if (i32.eq (local.get $ar) (i32.const 4))
      (then
        (block $doneT
          (loop $colsT
            (br_if $doneT (i32.ge_u (local.get $k) (local.get $len)))
            (v128.store (local.get $dst) (v128.load (local.get $src)))
            (local.set $src (i32.add (local.get $src) (local.get $ak)))
            (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $colsT)))
        (return)))
    (if (i32.eq (local.get $ak) (i32.const 4))
      (then
        (local.set $len4 (i32.and (local.get $len) (i32.const -4)))
        (block $doneN
          (loop $rowsN
            (br_if $doneN (i32.ge_u (local.get $k) (local.get $len4)))
            ;; r_q = a(q, k..k+3)
            (local.set $r0 (v128.load (local.get $src)))
            (local.set $r1 (v128.load (i32.add (local.get $src) (local.get $ar))))
            (local.set $r2 (v128.load (i32.add (local.get $src) (i32.shl (local.get $ar) (i32.const 1)))))
            (local.set $r3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $ar) (i32.const 3)))))
            (local.set $u0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
            (local.set $u1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
            (local.set $u2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
            (local.set $u3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
            ;; a(0..3, k+t) at dst + ds·t
            (v128.store (local.get $dst)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u0) (local.get $u2)))
            (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
            (v128.store (local.get $dst)
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u0) (local.get $u2)))
            (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
            (v128.store (local.get $dst)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u1) (local.get $u3)))
            (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
            (v128.store (local.get $dst)
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u1) (local.get $u3)))
            (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $rowsN)))))
    (block $done
      (loop $k1
        (br_if $done (i32.ge_u (local.get $k) (local.get $len)))
        (f32.store (local.get $dst) (f32.load (local.get $src)))
        (f32.store offset=4 (local.get $dst) (f32.load (i32.add (local.get $src) (local.get $ar))))
        (f32.store offset=8 (local.get $dst)
          (f32.load (i32.add (local.get $src) (i32.shl (local.get $ar) (i32.const 1)))))
        (f32.store offset=12 (local.get $dst)
          (f32.load (i32.add (local.get $src) (i32.mul (local.get $ar) (i32.const 3)))))
        (local.set $src (i32.add (local.get $src) (local.get $ak)))
        (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $k1))))

  ;; Packs 2 rows of A: a(q,k) (at src + q·ar + k·ak) to dst + ds·k + 4q for q < 2, k < len — a
  ;; 2-row panel (ds = 8), or rows 4 and 5 of a 6-row one (dst 16 bytes on, ds = 24).
  (func $packA2 (param $src i32) (param $ar i32) (param $ak i32) (param $dst i32) (param $ds i32) (param $len i32)
    (block $done
      (br_if $done (i32.eqz (local.get $len)))
      (loop $k
        (f32.store (local.get $dst) (f32.load (local.get $src)))
        (f32.store offset=4 (local.get $dst) (f32.load (i32.add (local.get $src) (local.get $ar))))
        (local.set $src (i32.add (local.get $src) (local.get $ak)))
        (local.set $dst (i32.add (local.get $dst) (local.get $ds)))
        (br_if $k (local.tee $len (i32.sub (local.get $len) (i32.const 1)))))))

  ;; Rows r..r+R−1 (R = 2, 4 or 6) of $gemmPanel's product: their R rows of A packed into one k-major
  ;; panel at w (a(r+q, k) at w + 4R·k + 4q), an R × 8 tile for each packed panel of B (at pb, one
  ;; every 32·len bytes), then the columns after the last whole 8 row by row.
  (func $rowBlock
    (param $R i32) (param $a i32) (param $ar i32) (param $ak i32) (param $b i32) (param $c i32)
    (param $r i32) (param $len i32) (param $cols i32) (param $rb i32) (param $acc i32) (param $w i32)
    (param $pb i32)
    (local $ra i32) (local $rc i32) (local $j i32) (local $cols8 i32) (local $row i32)
    (local.set $cols8 (i32.and (local.get $cols) (i32.const -8)))
    ;; ra = address of a(r,0), rc = address of C[r,0]
    (local.set $ra (i32.add (local.get $a) (i32.mul (local.get $r) (local.get $ar))))
    (local.set $rc (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $rb))))
    (if (i32.eq (local.get $R) (i32.const 2))
      (then
        (call $packA2 (local.get $ra) (local.get $ar) (local.get $ak) (local.get $w) (i32.const 8)
          (local.get $len))
        (block $done2
          (loop $cols2
            (br_if $done2 (i32.ge_u (local.get $j) (local.get $cols8)))
            (call $tile2x8 (local.get $w) (local.get $pb)
              (i32.add (local.get $rc) (i32.shl (local.get $j) (i32.const 2))) (local.get $rb)
              (local.get $len) (local.get $acc))
            (local.set $pb (i32.add (local.get $pb) (i32.shl (local.get $len) (i32.const 5))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $cols2))))
      (else
        (call $packA4 (local.get $ra) (local.get $ar) (local.get $ak) (local.get $w)
          (i32.shl (local.get $R) (i32.const 2)) (local.get $len))))
    (if (i32.eq (local.get $R) (i32.const 6))
      (then
        (call $packA2 (i32.add (local.get $ra) (i32.shl (local.get $ar) (i32.const 2))) (local.get $ar)
          (local.get $ak) (i32.add (local.get $w) (i32.const 16)) (i32.const 24) (local.get $len))
        (block $done6
          (loop $cols6
            (br_if $done6 (i32.ge_u (local.get $j) (local.get $cols8)))
            (call $tile6x8 (local.get $w) (local.get $pb)
              (i32.add (local.get $rc) (i32.shl (local.get $j) (i32.const 2))) (local.get $rb)
              (local.get $len) (local.get $acc))
            (local.set $pb (i32.add (local.get $pb) (i32.shl (local.get $len) (i32.const 5))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $cols6)))))
    (if (i32.eq (local.get $R) (i32.const 4))
      (then
        (block $done4
          (loop $cols4
            (br_if $done4 (i32.ge_u (local.get $j) (local.get $cols8)))
            (call $tile4x8 (local.get $w) (local.get $pb)
              (i32.add (local.get $rc) (i32.shl (local.get $j) (i32.const 2))) (local.get $rb)
              (local.get $len) (local.get $acc))
            (local.set $pb (i32.add (local.get $pb) (i32.shl (local.get $len) (i32.const 5))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $cols4)))))
    ;; columns j.. of rows r..r+R−1
    (if (i32.lt_u (local.get $j) (local.get $cols))
      (then
        (loop $tail
          (call $rowFrom
            (i32.add (local.get $ra) (i32.mul (local.get $row) (local.get $ar))) (local.get $ak)
            (local.get $b) (local.get $rb)
            (i32.add (local.get $rc) (i32.mul (local.get $row) (local.get $rb))) (local.get $len)
            (local.get $j) (local.get $cols) (local.get $acc))
          (br_if $tail (i32.lt_u (local.tee $row (i32.add (local.get $row) (i32.const 1))) (local.get $R)))))))

  ;; C (+)= a · B   with a(r,k) at a + r·ar + k·ak:  (rows, len) @ (len, cols) -> (rows, cols)
  ;; B and C are row-major with rows rb bytes apart (4·cols when dense; more when they are a band of
  ;; columns of wider matrices, as the threaded products cut them); w is scratch for the packed panels
  ;; (32·len + 4·len·cols bytes). Blocks of $tileRows rows (6, or 4 in the plain module) × 8 columns,
  ;; then one block of 4 rows where 4 or 5 are left and one of 2 where 2 or 3 are, each with the
  ;; leftover columns of its rows row by row ($rowBlock), then the last row (if any) alone.
  ;;
  ;; Packing (as BLAS does): B's columns 0..8⌊cols/8⌋ are copied once into 8-column panels, each
  ;; k-major and contiguous (pb = w + 32·len, panel jt at pb + 32·len·jt), and each block of rows
  ;; of A into one k-major panel at w. The micro-kernel then reads both sequentially, whatever the
  ;; strides: a row of B 2 KB long would otherwise put every k of a column strip in the same few
  ;; cache sets, and Aᵀ's columns are m floats apart.
  (func $gemmPanel
    (param $a i32) (param $ar i32) (param $ak i32) (param $b i32) (param $c i32)
    (param $rows i32) (param $len i32) (param $cols i32) (param $rb i32) (param $acc i32) (param $w i32)
    (local $r i32) (local $j i32)
    (local $pb i32) (local $cols8 i32) (local $k i32) (local $src i32) (local $dst i32) (local $panel i32)
    (local.set $cols8 (i32.and (local.get $cols) (i32.const -8)))
    ;; the A panel at w: up to 6 rows, 24·len bytes; the B panels from w + 32·len
    (local.set $pb (i32.add (local.get $w) (i32.shl (local.get $len) (i32.const 5))))
    (local.set $panel (i32.shl (local.get $len) (i32.const 5))) ;; bytes per packed B panel
    ;; pack B: panel jt holds B[k, 8jt..8jt+7] at pb + panel·jt + 32k (only when a block of rows exists)
    (if (i32.ge_u (local.get $rows) (i32.const 2))
      (then
        (local.set $j (i32.const 0))
        (block $donePackB
          (loop $packB
            (br_if $donePackB (i32.ge_u (local.get $j) (local.get $cols8)))
            (local.set $src (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $dst (i32.add (local.get $pb) (i32.mul (i32.shr_u (local.get $j) (i32.const 3)) (local.get $panel))))
            (local.set $k (i32.const 0))
            (block $donePackK
              (loop $packK
                (br_if $donePackK (i32.ge_u (local.get $k) (local.get $len)))
                (v128.store (local.get $dst) (v128.load (local.get $src)))
                (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
                (local.set $src (i32.add (local.get $src) (local.get $rb)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $packK)))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $packB)))))
    ;; blocks of $tileRows rows, then one of 4 where 4 or 5 rows are left (fused module), then one
    ;; of 2 where 2 or 3 are left
    (block $doneRowsR
      (loop $rowsR
        (br_if $doneRowsR (i32.gt_u (i32.add (local.get $r) (global.get $tileRows)) (local.get $rows)))
        (call $rowBlock (global.get $tileRows) (local.get $a) (local.get $ar) (local.get $ak) (local.get $b)
          (local.get $c) (local.get $r) (local.get $len) (local.get $cols) (local.get $rb) (local.get $acc)
          (local.get $w) (local.get $pb))
        (local.set $r (i32.add (local.get $r) (global.get $tileRows)))
        (br $rowsR)))
    (if (i32.le_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows))
      (then
        (call $rowBlock (i32.const 4) (local.get $a) (local.get $ar) (local.get $ak) (local.get $b)
          (local.get $c) (local.get $r) (local.get $len) (local.get $cols) (local.get $rb) (local.get $acc)
          (local.get $w) (local.get $pb))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))))
    (if (i32.le_u (i32.add (local.get $r) (i32.const 2)) (local.get $rows))
      (then
        (call $rowBlock (i32.const 2) (local.get $a) (local.get $ar) (local.get $ak) (local.get $b)
          (local.get $c) (local.get $r) (local.get $len) (local.get $cols) (local.get $rb) (local.get $acc)
          (local.get $w) (local.get $pb))
        (local.set $r (i32.add (local.get $r) (i32.const 2)))))
    ;; rows r.. one at a time
    (block $doneRows
      (loop $rows1
        (br_if $doneRows (i32.ge_u (local.get $r) (local.get $rows)))
        (call $rowFrom
          (i32.add (local.get $a) (i32.mul (local.get $r) (local.get $ar))) (local.get $ak)
          (local.get $b) (local.get $rb)
          (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $rb))) (local.get $len)
          (i32.const 0) (local.get $cols) (local.get $acc))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows1))))

  ;; The same product over dense B and C, blocked as $gemmStrided blocks it. w: scratch of
  ;; 4 · 256 · (cols + 8) bytes (a panel of up to 6 rows of A, 32·len bytes reserved, then the packed
  ;; panels of B for one block).
  (func $gemm
    (param $a i32) (param $ar i32) (param $ak i32) (param $b i32) (param $c i32)
    (param $rows i32) (param $len i32) (param $cols i32) (param $acc i32) (param $w i32)
    (call $gemmStrided
      (local.get $a) (local.get $ar) (local.get $ak) (local.get $b) (local.get $c)
      (local.get $rows) (local.get $len) (local.get $cols) (i32.shl (local.get $cols) (i32.const 2))
      (local.get $acc) (local.get $w)))

  ;; $gemm on a block of rows and columns of wider B and C (rows rb bytes apart): what one thread
  ;; computes of a product cut into bands (matmul-f32-threads.ts). The columns go in chunks of at most
  ;; 1024 when the reduction is longer than 128 k, so that a block's packed panels (256 k × 1024
  ;; columns, 1 MB) stay near the core while every row block passes over them; within a chunk the
  ;; reduction goes in blocks of at most 256 k. (Kernel alone on AMD Zen 4, best of 15: chunks of 1024
  ;; columns ran 2048×256 @ 256×{768, 1024} at 54–55 GFLOP/s, of 256 at 52, and 2048×768 @ 768×2304
  ;; at 47–48 against 41–43 unchunked.) Each element of C is still summed over k in ascending order
  ;; with the same float32 operations (a block after the first reloads the sum from C, exactly),
  ;; whatever the blocking, so a band equals the same rows and columns of the whole product bit for bit.
  (func $gemmStrided (export "gemm")
    (param $a i32) (param $ar i32) (param $ak i32) (param $b i32) (param $c i32)
    (param $rows i32) (param $len i32) (param $cols i32) (param $rb i32) (param $acc i32) (param $w i32)
    (local $nc i32) (local $chunk i32)
    (local.set $nc
      (select (i32.const 1024) (local.get $cols) (i32.gt_u (local.get $len) (i32.const 128))))
    (loop $chunks
      (local.set $chunk (select (local.get $nc) (local.get $cols) (i32.gt_u (local.get $cols) (local.get $nc))))
      (call $gemmBlocks
        (local.get $a) (local.get $ar) (local.get $ak) (local.get $b) (local.get $c)
        (local.get $rows) (local.get $len) (local.get $chunk) (local.get $rb) (local.get $acc) (local.get $w))
      ;; next chunk: columns += chunk
      (local.set $b (i32.add (local.get $b) (i32.shl (local.get $chunk) (i32.const 2))))
      (local.set $c (i32.add (local.get $c) (i32.shl (local.get $chunk) (i32.const 2))))
      (br_if $chunks (local.tee $cols (i32.sub (local.get $cols) (local.get $chunk))))))

  ;; The reduction of $gemmStrided in blocks of at most 256 k; blocks after the first add to C (acc = 1).
  (func $gemmBlocks
    (param $a i32) (param $ar i32) (param $ak i32) (param $b i32) (param $c i32)
    (param $rows i32) (param $len i32) (param $cols i32) (param $rb i32) (param $acc i32) (param $w i32)
    (local $kc i32)
    ;; (len = 0 still passes once: C = 0, or C unchanged when accumulating)
    (loop $blocks
      (local.set $kc (select (i32.const 256) (local.get $len) (i32.gt_u (local.get $len) (i32.const 256))))
      (call $gemmPanel
        (local.get $a) (local.get $ar) (local.get $ak) (local.get $b) (local.get $c)
        (local.get $rows) (local.get $kc) (local.get $cols) (local.get $rb) (local.get $acc) (local.get $w))
      ;; next block: k += kc
      (local.set $a (i32.add (local.get $a) (i32.mul (local.get $kc) (local.get $ak))))
      (local.set $b (i32.add (local.get $b) (i32.mul (local.get $kc) (local.get $rb))))
      (local.set $acc (i32.const 1))
      (br_if $blocks (local.tee $len (i32.sub (local.get $len) (local.get $kc))))))

  ;; C (+)= A B: A (n, m) at a, B (m, p) at b -> C (n, p) at c;  C[i,j] = Σ_k A[i,k] B[k,j].
  ;; a(i,k) = A[i·m + k]: rows m·4 bytes apart, the reduction 4 bytes. w: scratch, 1024·(p + 8) bytes.
  (func (export "matmul")
    (param $a i32) (param $b i32) (param $c i32) (param $w i32) (param $n i32) (param $m i32) (param $p i32)
    (param $acc i32)
    (call $gemm
      (local.get $a) (i32.shl (local.get $m) (i32.const 2)) (i32.const 4) (local.get $b) (local.get $c)
      (local.get $n) (local.get $m) (local.get $p) (local.get $acc) (local.get $w)))

  ;; C (+)= Aᵀ B: A (n, m) at a, B (n, p) at b -> C (m, p) at c;  C[k,j] = Σ_i A[i,k] B[i,j].
  ;; The rows of C are the columns k of A: a(k,i) = A[i·m + k], rows 4 bytes apart, the reduction m·4.
  ;; w: scratch, 1024·(p + 8) bytes.
  (func (export "matmulTN")
    (param $a i32) (param $b i32) (param $c i32) (param $w i32) (param $n i32) (param $m i32) (param $p i32)
    (param $acc i32)
    (call $gemm
      (local.get $a) (i32.const 4) (i32.shl (local.get $m) (i32.const 2)) (local.get $b) (local.get $c)
      (local.get $m) (local.get $n) (local.get $p) (local.get $acc) (local.get $w)))

;; Bᵀ: t[j,k] = B[k,j] for B (m, p) at b, t (p, m) at t. Blocks of 4 × 4 (four rows of B loaded as
  ;; f32x4, transposed with shuffles, stored as four rows of t), then the last m mod 4 rows and
  ;; p mod 4 columns one float at a time.
  (func $transpose (export "transpose") (param $b i32) (param $t i32) (param $m i32) (param $p i32)
    (local $k i32) (local $j i32) (local $src i32) (local $dst i32) (local $rt i32) (local $rb i32)
    (local $m4 i32) (local $p4 i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128) (local $u0 v128) (local $u1 v128)
    (local $u2 v128) (local $u3 v128)
    (local.set $rt (i32.shl (local.get $m) (i32.const 2))) ;; bytes per row of Bᵀ
    (local.set $rb (i32.shl (local.get $p) (i32.const 2))) ;; bytes per row of B
    (local.set $m4 (i32.and (local.get $m) (i32.const -4)))
    (local.set $p4 (i32.and (local.get $p) (i32.const -4)))
    (block $doneK4
      (loop $rows4
        (br_if $doneK4 (i32.ge_u (local.get $k) (local.get $m4)))
        (local.set $src (i32.add (local.get $b) (i32.mul (local.get $k) (local.get $rb))))
        (local.set $dst (i32.add (local.get $t) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $doneJ4
          (loop $cols4
            (br_if $doneJ4 (i32.ge_u (local.get $j) (local.get $p4)))
            ;; r_q = B[k+q, j..j+3]
            (local.set $r0 (v128.load (local.get $src)))
            (local.set $r1 (v128.load (i32.add (local.get $src) (local.get $rb))))
            (local.set $r2 (v128.load (i32.add (local.get $src) (i32.shl (local.get $rb) (i32.const 1)))))
            (local.set $r3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $rb) (i32.const 3)))))
            ;; u0 = r0[0] r1[0] r0[1] r1[1], u1 = r0[2] r1[2] r0[3] r1[3]; u2, u3 the same of r2, r3
            (local.set $u0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
            (local.set $u1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
            (local.set $u2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
            (local.set $u3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
            ;; t[j+q, k..k+3] = B[k..k+3, j+q]
            (v128.store (local.get $dst)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u0) (local.get $u2)))
            (v128.store (i32.add (local.get $dst) (local.get $rt))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u0) (local.get $u2)))
            (v128.store (i32.add (local.get $dst) (i32.shl (local.get $rt) (i32.const 1)))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u1) (local.get $u3)))
            (v128.store (i32.add (local.get $dst) (i32.mul (local.get $rt) (i32.const 3)))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u1) (local.get $u3)))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $rt) (i32.const 2))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $cols4)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $rows4)))
    ;; the last p mod 4 columns of the rows above (k < m4), then every column of the last rows
    (call $transposeScalar (local.get $b) (local.get $t) (local.get $m) (local.get $p) (i32.const 0)
      (local.get $m4) (local.get $p4))
    (call $transposeScalar (local.get $b) (local.get $t) (local.get $m) (local.get $p) (local.get $m4)
      (local.get $m) (i32.const 0)))

  ;; t[j,k] = B[k,j] for k0 <= k < k1, j0 <= j < p, one float at a time (the edges of $transpose)
  (func $transposeScalar
    (param $b i32) (param $t i32) (param $m i32) (param $p i32) (param $k i32) (param $k1 i32) (param $j0 i32)
    (local $j i32)
    (block $doneK
      (loop $rowsB
        (br_if $doneK (i32.ge_u (local.get $k) (local.get $k1)))
        (local.set $j (local.get $j0))
        (block $doneJ
          (loop $colsB
            (br_if $doneJ (i32.ge_u (local.get $j) (local.get $p)))
            (f32.store
              (i32.add (local.get $t) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $m)) (local.get $k)) (i32.const 2)))
              (f32.load
                (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $k) (local.get $p)) (local.get $j)) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $colsB)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rowsB))))

  ;; C (+)= A Bᵀ: A (n, p) at a, B (m, p) at b -> C (n, m) at c;  C[i,k] = Σ_j A[i,j] B[k,j].
  ;; Bᵀ (p, m) is first written to t (scratch, m·p floats), so that the lanes hold C[i,k..k+3]'s
  ;; terms side by side; then C = A · Bᵀ is the plain product above. w: scratch, 1024·(m + 8) bytes.
  (func (export "matmulNT")
    (param $a i32) (param $b i32) (param $c i32) (param $t i32) (param $w i32) (param $n i32) (param $p i32)
    (param $m i32) (param $acc i32)
    (call $transpose (local.get $b) (local.get $t) (local.get $m) (local.get $p))
    (call $gemm
      (local.get $a) (i32.shl (local.get $p) (i32.const 2)) (i32.const 4) (local.get $t) (local.get $c)
      (local.get $n) (local.get $p) (local.get $m) (local.get $acc) (local.get $w)))

  ;; ------------------------------------------------------------------------------------------
  ;; Batched products: `batch` independent products of the same shapes, the s-th matrix of each
  ;; operand right after the (s−1)-th (dense, no padding), e.g. the per-head products of attention.
  ;; One call does them all, so matmul-f32.ts copies every operand in and out once.
  ;; ------------------------------------------------------------------------------------------

  ;; C_s (+)= A_s B_s for s < batch: A_s (n, m), B_s (m, p), C_s (n, p). w as for matmul.
  (func (export "matmulBatch")
    (param $a i32) (param $b i32) (param $c i32) (param $w i32) (param $n i32) (param $m i32) (param $p i32)
    (param $acc i32) (param $batch i32)
    (local $sa i32) (local $sb i32) (local $sc i32)
    (local.set $sa (i32.shl (i32.mul (local.get $n) (local.get $m)) (i32.const 2)))
    (local.set $sb (i32.shl (i32.mul (local.get $m) (local.get $p)) (i32.const 2)))
    (local.set $sc (i32.shl (i32.mul (local.get $n) (local.get $p)) (i32.const 2)))
    (block $done
      (loop $s
        (br_if $done (i32.eqz (local.get $batch)))
        (call $gemm
          (local.get $a) (i32.shl (local.get $m) (i32.const 2)) (i32.const 4) (local.get $b) (local.get $c)
          (local.get $n) (local.get $m) (local.get $p) (local.get $acc) (local.get $w))
        (local.set $a (i32.add (local.get $a) (local.get $sa)))
        (local.set $b (i32.add (local.get $b) (local.get $sb)))
        (local.set $c (i32.add (local.get $c) (local.get $sc)))
        (local.set $batch (i32.sub (local.get $batch) (i32.const 1)))
        (br $s))))

  ;; C_s (+)= A_sᵀ B_s for s < batch: A_s (n, m), B_s (n, p), C_s (m, p). w as for matmulTN.
  (func (export "matmulTNBatch")
    (param $a i32) (param $b i32) (param $c i32) (param $w i32) (param $n i32) (param $m i32) (param $p i32)
    (param $acc i32) (param $batch i32)
    (local $sa i32) (local $sb i32) (local $sc i32)
    (local.set $sa (i32.shl (i32.mul (local.get $n) (local.get $m)) (i32.const 2)))
    (local.set $sb (i32.shl (i32.mul (local.get $n) (local.get $p)) (i32.const 2)))
    (local.set $sc (i32.shl (i32.mul (local.get $m) (local.get $p)) (i32.const 2)))
    (block $done
      (loop $s
        (br_if $done (i32.eqz (local.get $batch)))
        (call $gemm
          (local.get $a) (i32.const 4) (i32.shl (local.get $m) (i32.const 2)) (local.get $b) (local.get $c)
          (local.get $m) (local.get $n) (local.get $p) (local.get $acc) (local.get $w))
        (local.set $a (i32.add (local.get $a) (local.get $sa)))
        (local.set $b (i32.add (local.get $b) (local.get $sb)))
        (local.set $c (i32.add (local.get $c) (local.get $sc)))
        (local.set $batch (i32.sub (local.get $batch) (i32.const 1)))
        (br $s))))

  ;; C_s (+)= A_s B_sᵀ for s < batch: A_s (n, p), B_s (m, p), C_s (n, m). t: scratch for one Bᵀ
  ;; (m·p floats, reused by every s); w as for matmulNT.
  (func (export "matmulNTBatch")
    (param $a i32) (param $b i32) (param $c i32) (param $t i32) (param $w i32) (param $n i32) (param $p i32)
    (param $m i32) (param $acc i32) (param $batch i32)
    (local $sa i32) (local $sb i32) (local $sc i32)
    (local.set $sa (i32.shl (i32.mul (local.get $n) (local.get $p)) (i32.const 2)))
    (local.set $sb (i32.shl (i32.mul (local.get $m) (local.get $p)) (i32.const 2)))
    (local.set $sc (i32.shl (i32.mul (local.get $n) (local.get $m)) (i32.const 2)))
    (block $done
      (loop $s
        (br_if $done (i32.eqz (local.get $batch)))
        (call $transpose (local.get $b) (local.get $t) (local.get $m) (local.get $p))
        (call $gemm
          (local.get $a) (i32.shl (local.get $p) (i32.const 2)) (i32.const 4) (local.get $t) (local.get $c)
          (local.get $n) (local.get $p) (local.get $m) (local.get $acc) (local.get $w))
        (local.set $a (i32.add (local.get $a) (local.get $sa)))
        (local.set $b (i32.add (local.get $b) (local.get $sb)))
        (local.set $c (i32.add (local.get $c) (local.get $sc)))
        (local.set $batch (i32.sub (local.get $batch) (i32.const 1)))
        (br $s)))))
