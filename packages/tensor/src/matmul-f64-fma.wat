;; The float64 products of matmul-f64.wat with fused multiply-adds (relaxed SIMD f64x2.relaxed_madd):
;; the same tiles, each output C[r,j] still summed over k in ascending order from 0.0, but every step
;; acc <- a·b + acc rounds once where the machine fuses it (x64 with FMA3, arm64) instead of twice —
;; as OpenBLAS's kernels under scikit-learn do. Not bit-identical to the textbook loop (the error
;; bound is the same order: matmul-f64.test.ts checks it); the MLP's fast path (F64Workspace with
;; `fused`) uses it where the runtime has relaxed SIMD (Node 24), and matmul-f64.wat's exact
;; products everywhere else.
;;
;; It has no memory of its own: it imports the memory of the matmul-f64.wat instance it serves
;; (env.memory), so the same addresses name the same arrays. Assembled by scripts/build-wasm.mjs
;; (features simd, relaxed_simd) into src/matmul-f64-fma-wasm.ts.
(module
  (import "env" "memory" (memory 1))

  ;; ------------------------------------------------------------------------------------------
  ;; Micro-kernels: one tile of C, every sum held in registers over the whole reduction.
  ;;   a      address of a(0,0), the tile's first A entry
  ;;   ar     bytes from a(r,k) to a(r+1,k)      (the tile's rows)
  ;;   ak     bytes from a(r,k) to a(r,k+1)      (the reduction)
  ;;   b      address of B[0,j], the tile's first column;  br: bytes per row of B
  ;;   c      address of C[0,j];                           cr: bytes per row of C
  ;;   len    length of the reduction (number of k)
  ;; ------------------------------------------------------------------------------------------

  ;; 4 rows × 4 columns: C[r, j..j+3] = Σ_k a(r,k) · B[k, j..j+3]   for r = 0..3
  ;; eight f64x2 sums (s<r><half>), two B loads and four broadcasts of A per k
  (func $tile4x4
    (param $a i32) (param $ar i32) (param $ak i32) (param $b i32) (param $br i32)
    (param $c i32) (param $cr i32) (param $len i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local $w0 v128) (local $w1 v128) (local $x v128)
    ;; the sums start at +0.0 (all-zero bits), as `new Float64Array` and `let s = 0.0` do
    (local.set $a1 (i32.add (local.get $a) (local.get $ar)))
    (local.set $a2 (i32.add (local.get $a1) (local.get $ar)))
    (local.set $a3 (i32.add (local.get $a2) (local.get $ar)))
    (block $done
      (br_if $done (i32.eqz (local.get $len)))
      (loop $k
        ;; (w0 | w1) = B[k, j..j+3]
        (local.set $w0 (v128.load (local.get $b)))
        (local.set $w1 (v128.load offset=16 (local.get $b)))
        ;; s_r += a(r,k) · B[k, j..j+3]: broadcast a(r,k) to both lanes, multiply, then add
        (local.set $x (v128.load64_splat (local.get $a)))
        (local.set $s00 (f64x2.relaxed_madd (local.get $x) (local.get $w0) (local.get $s00)))
        (local.set $s01 (f64x2.relaxed_madd (local.get $x) (local.get $w1) (local.get $s01)))
        (local.set $x (v128.load64_splat (local.get $a1)))
        (local.set $s10 (f64x2.relaxed_madd (local.get $x) (local.get $w0) (local.get $s10)))
        (local.set $s11 (f64x2.relaxed_madd (local.get $x) (local.get $w1) (local.get $s11)))
        (local.set $x (v128.load64_splat (local.get $a2)))
        (local.set $s20 (f64x2.relaxed_madd (local.get $x) (local.get $w0) (local.get $s20)))
        (local.set $s21 (f64x2.relaxed_madd (local.get $x) (local.get $w1) (local.get $s21)))
        (local.set $x (v128.load64_splat (local.get $a3)))
        (local.set $s30 (f64x2.relaxed_madd (local.get $x) (local.get $w0) (local.get $s30)))
        (local.set $s31 (f64x2.relaxed_madd (local.get $x) (local.get $w1) (local.get $s31)))
        ;; k += 1
        (local.set $a (i32.add (local.get $a) (local.get $ak)))
        (local.set $a1 (i32.add (local.get $a1) (local.get $ak)))
        (local.set $a2 (i32.add (local.get $a2) (local.get $ak)))
        (local.set $a3 (i32.add (local.get $a3) (local.get $ak)))
        (local.set $b (i32.add (local.get $b) (local.get $br)))
        (br_if $k (local.tee $len (i32.sub (local.get $len) (i32.const 1))))))
    ;; C[r, j..j+3] = s_r
    (v128.store (local.get $c) (local.get $s00))
    (v128.store offset=16 (local.get $c) (local.get $s01))
    (local.set $c (i32.add (local.get $c) (local.get $cr)))
    (v128.store (local.get $c) (local.get $s10))
    (v128.store offset=16 (local.get $c) (local.get $s11))
    (local.set $c (i32.add (local.get $c) (local.get $cr)))
    (v128.store (local.get $c) (local.get $s20))
    (v128.store offset=16 (local.get $c) (local.get $s21))
    (local.set $c (i32.add (local.get $c) (local.get $cr)))
    (v128.store (local.get $c) (local.get $s30))
    (v128.store offset=16 (local.get $c) (local.get $s31)))

  ;; 1 row × 4 columns: C[0, j..j+3] = Σ_k a(0,k) · B[k, j..j+3]   (the rows left over below a 4-row block)
  (func $tile1x4 (param $a i32) (param $ak i32) (param $b i32) (param $br i32) (param $c i32) (param $len i32)
    (local $s0 v128) (local $s1 v128) (local $x v128)
    (block $done
      (br_if $done (i32.eqz (local.get $len)))
      (loop $k
        (local.set $x (v128.load64_splat (local.get $a)))
        (local.set $s0 (f64x2.relaxed_madd (local.get $x) (v128.load (local.get $b)) (local.get $s0)))
        (local.set $s1 (f64x2.relaxed_madd (local.get $x) (v128.load offset=16 (local.get $b)) (local.get $s1)))
        (local.set $a (i32.add (local.get $a) (local.get $ak)))
        (local.set $b (i32.add (local.get $b) (local.get $br)))
        (br_if $k (local.tee $len (i32.sub (local.get $len) (i32.const 1))))))
    (v128.store (local.get $c) (local.get $s0))
    (v128.store offset=16 (local.get $c) (local.get $s1)))

  ;; 1 row × 2 columns: C[0, j..j+1] = Σ_k a(0,k) · B[k, j..j+1]
  (func $tile1x2 (param $a i32) (param $ak i32) (param $b i32) (param $br i32) (param $c i32) (param $len i32)
    (local $s v128)
    (block $done
      (br_if $done (i32.eqz (local.get $len)))
      (loop $k
        (local.set $s
          (f64x2.relaxed_madd (v128.load64_splat (local.get $a)) (v128.load (local.get $b)) (local.get $s)))
        (local.set $a (i32.add (local.get $a) (local.get $ak)))
        (local.set $b (i32.add (local.get $b) (local.get $br)))
        (br_if $k (local.tee $len (i32.sub (local.get $len) (i32.const 1))))))
    (v128.store (local.get $c) (local.get $s)))

  ;; 1 row × 1 column, scalar: C[0,j] = Σ_k a(0,k) · B[k,j]   (an odd last column)
  (func $tile1x1 (param $a i32) (param $ak i32) (param $b i32) (param $br i32) (param $c i32) (param $len i32)
    (local $s f64)
    (block $done
      (br_if $done (i32.eqz (local.get $len)))
      (loop $k
        (local.set $s
          (f64x2.extract_lane 0
            (f64x2.relaxed_madd (v128.load64_splat (local.get $a)) (v128.load64_splat (local.get $b))
              (f64x2.splat (local.get $s)))))
        (local.set $a (i32.add (local.get $a) (local.get $ak)))
        (local.set $b (i32.add (local.get $b) (local.get $br)))
        (br_if $k (local.tee $len (i32.sub (local.get $len) (i32.const 1))))))
    (f64.store (local.get $c) (local.get $s)))

  ;; One row of C from column j on: 4-column tiles, then a 2-column and a 1-column tile for the rest.
  (func $rowFrom
    (param $a i32) (param $ak i32) (param $b i32) (param $br i32) (param $c i32) (param $len i32)
    (param $j i32) (param $cols i32)
    ;; b and c point at column 0; move them to column j
    (local.set $b (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
    (local.set $c (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 3))))
    (block $done4
      (loop $j4
        (br_if $done4 (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $cols)))
        (call $tile1x4 (local.get $a) (local.get $ak) (local.get $b) (local.get $br) (local.get $c) (local.get $len))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (local.set $c (i32.add (local.get $c) (i32.const 32)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $j4)))
    (if (i32.le_u (i32.add (local.get $j) (i32.const 2)) (local.get $cols))
      (then
        (call $tile1x2 (local.get $a) (local.get $ak) (local.get $b) (local.get $br) (local.get $c) (local.get $len))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))))
    (if (i32.lt_u (local.get $j) (local.get $cols))
      (then
        (call $tile1x1 (local.get $a) (local.get $ak) (local.get $b) (local.get $br) (local.get $c) (local.get $len)))))

  ;; C = a · B   with a(r,k) at a + r·ar + k·ak:  (rows, len) @ (len, cols) -> (rows, cols)
  ;; B and C are dense row-major (cols entries a row). Blocks of 4 rows × 4 columns, then the
  ;; leftover columns of those 4 rows, then the leftover rows one at a time.
  (func $gemm
    (param $a i32) (param $ar i32) (param $ak i32) (param $b i32) (param $c i32)
    (param $rows i32) (param $len i32) (param $cols i32)
    (local $rb i32) (local $r i32) (local $j i32) (local $row i32) (local $ra i32) (local $rc i32)
    (local.set $rb (i32.shl (local.get $cols) (i32.const 3))) ;; bytes per row of B and C
    (block $doneRows4
      (loop $rows4
        (br_if $doneRows4 (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
        ;; ra = address of a(r,0), rc = address of C[r,0]
        (local.set $ra (i32.add (local.get $a) (i32.mul (local.get $r) (local.get $ar))))
        (local.set $rc (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $rb))))
        (local.set $j (i32.const 0))
        (block $doneCols4
          (loop $cols4
            (br_if $doneCols4 (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $cols)))
            (call $tile4x4
              (local.get $ra) (local.get $ar) (local.get $ak)
              (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))) (local.get $rb)
              (i32.add (local.get $rc) (i32.shl (local.get $j) (i32.const 3))) (local.get $rb)
              (local.get $len))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $cols4)))
        ;; columns j.. of rows r..r+3
        (if (i32.lt_u (local.get $j) (local.get $cols))
          (then
            (local.set $row (i32.const 0))
            (loop $tail
              (call $rowFrom
                (i32.add (local.get $ra) (i32.mul (local.get $row) (local.get $ar))) (local.get $ak)
                (local.get $b) (local.get $rb)
                (i32.add (local.get $rc) (i32.mul (local.get $row) (local.get $rb))) (local.get $len)
                (local.get $j) (local.get $cols))
              (br_if $tail (i32.lt_u (local.tee $row (i32.add (local.get $row) (i32.const 1))) (i32.const 4))))))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rows4)))
    ;; rows r.. one at a time
    (block $doneRows
      (loop $rows1
        (br_if $doneRows (i32.ge_u (local.get $r) (local.get $rows)))
        (call $rowFrom
          (i32.add (local.get $a) (i32.mul (local.get $r) (local.get $ar))) (local.get $ak)
          (local.get $b) (local.get $rb)
          (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $rb))) (local.get $len)
          (i32.const 0) (local.get $cols))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows1))))

  ;; C = A B: A (n, m) at a, B (m, p) at b -> C (n, p) at c;  C[i,j] = Σ_k A[i,k] B[k,j], k ascending.
  ;; a(i,k) = A[i·m + k]: rows m·8 bytes apart, the reduction 8 bytes.
  (func (export "matmul") (param $a i32) (param $b i32) (param $c i32) (param $n i32) (param $m i32) (param $p i32)
    (call $gemm
      (local.get $a) (i32.shl (local.get $m) (i32.const 3)) (i32.const 8) (local.get $b) (local.get $c)
      (local.get $n) (local.get $m) (local.get $p)))

  ;; C = Aᵀ B: A (n, m) at a, B (n, p) at b -> C (m, p) at c;  C[k,j] = Σ_i A[i,k] B[i,j], i ascending.
  ;; The rows of C are the columns k of A: a(k,i) = A[i·m + k], rows 8 bytes apart, the reduction m·8.
  (func (export "matmulTN") (param $a i32) (param $b i32) (param $c i32) (param $n i32) (param $m i32) (param $p i32)
    (call $gemm
      (local.get $a) (i32.const 8) (i32.shl (local.get $m) (i32.const 3)) (local.get $b) (local.get $c)
      (local.get $m) (local.get $n) (local.get $p)))

  ;; C = A Bᵀ: A (n, p) at a, B (m, p) at b -> C (n, m) at c;  C[i,k] = Σ_j A[i,j] B[k,j], j ascending.
  ;; Bᵀ (p, m) is first written to t (scratch, m·p doubles), so that the two lanes read C[i,k] and
  ;; C[i,k+1]'s terms side by side; then C = A · Bᵀ is the plain product above.
  (func (export "matmulNT")
    (param $a i32) (param $b i32) (param $c i32) (param $t i32) (param $n i32) (param $p i32) (param $m i32)
    (local $k i32) (local $j i32) (local $src i32) (local $dst i32) (local $rt i32)
    (local.set $rt (i32.shl (local.get $m) (i32.const 3))) ;; bytes per row of Bᵀ
    ;; t[j,k] = B[k,j]: walk B row by row, write down the columns of t
    (local.set $src (local.get $b))
    (block $doneK
      (loop $rowsB
        (br_if $doneK (i32.ge_u (local.get $k) (local.get $m)))
        (local.set $dst (i32.add (local.get $t) (i32.shl (local.get $k) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $doneJ
          (loop $colsB
            (br_if $doneJ (i32.ge_u (local.get $j) (local.get $p)))
            (f64.store (local.get $dst) (f64.load (local.get $src)))
            (local.set $src (i32.add (local.get $src) (i32.const 8)))
            (local.set $dst (i32.add (local.get $dst) (local.get $rt)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $colsB)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rowsB)))
    (call $gemm
      (local.get $a) (i32.shl (local.get $p) (i32.const 3)) (i32.const 8) (local.get $t) (local.get $c)
      (local.get $n) (local.get $p) (local.get $m))))
