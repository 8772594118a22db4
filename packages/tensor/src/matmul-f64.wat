;; Matrix products for the MLP (matmul.ts) in WebAssembly SIMD — the fast path of the JavaScript
;; kernels in matmul.ts, bit-identical to them.
;;
;; All matrices are row-major float64 in the exported linear memory; addresses and strides are in
;; bytes. Every output element C[r,j] is summed as the JavaScript kernels (and the textbook triple
;; loop) sum it: acc = 0.0, then acc = acc + a(r,k) · B[k,j] for k = 0, 1, … in ascending order.
;; Vectorisation is over the output columns j only: the two lanes of an f64x2 hold two different
;; output elements, C[r,j] and C[r,j+1], each with its own sum. f64x2.mul and f64x2.add round every
;; lane exactly as f64.mul and f64.add (IEEE 754, round to nearest even; wasm SIMD has no fused
;; multiply-add), so each lane performs the same operations in the same order as the scalar code.
;; Never vectorise over k: that would reorder the additions of one sum.
;;
;; Assembled by scripts/build-wasm.mjs (wabt, feature simd) into src/matmul-wasm.ts.
(module
  ;; The operands live here; matmul.ts copies them in, grows the memory when needed, copies C out.
  (memory (export "memory") 1)

  ;; tanh's constants, each twice (one v128 = both lanes), at addresses 0–399: the sixteen Taylor
  ;; coefficients 1/(i+2)! at 16·i, then log2(e) 256, ln2 head 272, ln2 tail 288, 22 304, 2^52 320,
  ;; 1023 − bits(2^52) as i64 336, 1.0 352, 2.0 368, the sign bit 384. Loaded as memory operands (one
  ;; instruction each, where a v128 constant in the code takes three). The workspaces allocate from
  ;; byte 512 on; the by-value products above never call tanh and may overwrite them in their instance.
  (data (i32.const 0) "\00\00\00\00\00\00\e0\3f\00\00\00\00\00\00\e0\3f\55\55\55\55\55\55\c5\3f\55\55\55\55\55\55\c5\3f\55\55\55\55\55\55\a5\3f\55\55\55\55\55\55\a5\3f\11\11\11\11\11\11\81\3f\11\11\11\11\11\11\81\3f\17\6c\c1\16\6c\c1\56\3f\17\6c\c1\16\6c\c1\56\3f\1a\a0\01\1a\a0\01\2a\3f\1a\a0\01\1a\a0\01\2a\3f\1a\a0\01\1a\a0\01\fa\3e\1a\a0\01\1a\a0\01\fa\3e\34\c7\56\a5\e3\1d\c7\3e\34\c7\56\a5\e3\1d\c7\3e\5c\9f\78\b7\4f\7e\92\3e\5c\9f\78\b7\4f\7e\92\3e\e4\44\f5\67\45\e6\5a\3e\e4\44\f5\67\45\e6\5a\3e\98\d8\f8\ef\d8\ee\21\3e\98\d8\f8\ef\d8\ee\21\3e\09\6d\a8\13\46\12\e6\3d\09\6d\a8\13\46\12\e6\3d\9d\7c\c0\a8\74\39\a9\3d\9d\7c\c0\a8\74\39\a9\3d\1f\b8\33\e7\f3\e7\6a\3d\1f\b8\33\e7\f3\e7\6a\3d\1f\b8\33\e7\f3\e7\2a\3d\1f\b8\33\e7\f3\e7\2a\3d\4a\ad\30\70\c7\52\e9\3c\4a\ad\30\70\c7\52\e9\3c\fe\82\2b\65\47\15\f7\3f\fe\82\2b\65\47\15\f7\3f\00\00\00\f0\42\2e\e6\3f\00\00\00\f0\42\2e\e6\3f\79\f2\6a\de\73\f4\5d\3e\79\f2\6a\de\73\f4\5d\3e\00\00\00\00\00\00\36\40\00\00\00\00\00\00\36\40\00\00\00\00\00\00\30\43\00\00\00\00\00\00\30\43\ff\03\00\00\00\00\d0\bc\ff\03\00\00\00\00\d0\bc\00\00\00\00\00\00\f0\3f\00\00\00\00\00\00\f0\3f\00\00\00\00\00\00\00\40\00\00\00\00\00\00\00\40\00\00\00\00\00\00\00\80\00\00\00\00\00\00\00\80")

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
        (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x) (local.get $w0))))
        (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x) (local.get $w1))))
        (local.set $x (v128.load64_splat (local.get $a1)))
        (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x) (local.get $w0))))
        (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x) (local.get $w1))))
        (local.set $x (v128.load64_splat (local.get $a2)))
        (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $x) (local.get $w0))))
        (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $x) (local.get $w1))))
        (local.set $x (v128.load64_splat (local.get $a3)))
        (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $x) (local.get $w0))))
        (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $x) (local.get $w1))))
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
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $x) (v128.load (local.get $b)))))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $x) (v128.load offset=16 (local.get $b)))))
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
          (f64x2.add (local.get $s) (f64x2.mul (v128.load64_splat (local.get $a)) (v128.load (local.get $b)))))
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
        (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $a)) (f64.load (local.get $b)))))
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
      (local.get $n) (local.get $p) (local.get $m)))

  ;; ==========================================================================================
  ;; Elementwise kernels of the MLP's training step (mlp.ts in @firth/neural keeps its data in this
  ;; module's memory and calls them between the products). Each performs, per element, the same
  ;; IEEE operations in the same order as the JavaScript reference loops it replaces, so the results
  ;; are bit-identical to them — except tanh, which JavaScript takes from Math.tanh and this module
  ;; computes itself ($tanh2 below, within 3 ulp of it). Two lanes of an f64x2 are two elements.
  ;; ==========================================================================================

;; tanh of both lanes, with no branch:  tanh|x| = E / (E + 2),  E = e^(2|x|) − 1 (expm1), the sign
  ;; copied from x. E: 2|x| (clamped to 44, where the quotient is 1 already) = k·ln2 + r with
  ;; k = floor(2|x| / ln2), 0 <= r < ln2 — ln2 split in a 25-bit head, so k·ln2hi is exact, and a
  ;; tail — then e^r − 1 = r + r²·Q(r), Q the Taylor series of (e^r − 1 − r)/r² to r^17/17! (the
  ;; next term is < 1e-17 of r there), and E = 2^k·(e^r − 1) + (2^k − 1), two terms >= 0 (no
  ;; cancellation), 2^k built from its exponent bits (k = 0 near zero, where E = e^r − 1 keeps full
  ;; relative precision). Within 3 ulp of Math.tanh (matmul-f64.test.ts measures it); ±0 -> ±0,
  ;; ±∞ -> ±1, NaN -> NaN.
  (func $tanh2 (param $x v128) (result v128)
    (local $y v128) (local $k v128) (local $r v128) (local $q v128) (local $s v128) (local $e v128)
    (local $r2 v128) (local $r4 v128) (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128)
    (local $p4 v128) (local $p5 v128) (local $p6 v128) (local $p7 v128)
    ;; pmin(a, 22) = 22 < a ? 22 : a (keeps NaN)
    (local.set $y (f64x2.pmin (f64x2.abs (local.get $x)) (v128.load offset=304 (i32.const 0))))
    (local.set $y (f64x2.add (local.get $y) (local.get $y)))
    (local.set $k (f64x2.floor (f64x2.mul (local.get $y) (v128.load offset=256 (i32.const 0)))))
    (local.set $r
      (f64x2.sub
        (f64x2.sub (local.get $y) (f64x2.mul (local.get $k) (v128.load offset=272 (i32.const 0))))
        (f64x2.mul (local.get $k) (v128.load offset=288 (i32.const 0)))))
    ;; Q(r) = Σ_i r^i/(i+2)!, i = 0..15, by Estrin's scheme (pairs, then pairs of pairs: a short
    ;; dependency chain where Horner's would be 15 multiply-adds long)
    (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $r4 (f64x2.mul (local.get $r2) (local.get $r2)))
    (local.set $p0 (f64x2.add (v128.load offset=0 (i32.const 0)) (f64x2.mul (v128.load offset=16 (i32.const 0)) (local.get $r))))
    (local.set $p1 (f64x2.add (v128.load offset=32 (i32.const 0)) (f64x2.mul (v128.load offset=48 (i32.const 0)) (local.get $r))))
    (local.set $p2 (f64x2.add (v128.load offset=64 (i32.const 0)) (f64x2.mul (v128.load offset=80 (i32.const 0)) (local.get $r))))
    (local.set $p3 (f64x2.add (v128.load offset=96 (i32.const 0)) (f64x2.mul (v128.load offset=112 (i32.const 0)) (local.get $r))))
    (local.set $p4 (f64x2.add (v128.load offset=128 (i32.const 0)) (f64x2.mul (v128.load offset=144 (i32.const 0)) (local.get $r))))
    (local.set $p5 (f64x2.add (v128.load offset=160 (i32.const 0)) (f64x2.mul (v128.load offset=176 (i32.const 0)) (local.get $r))))
    (local.set $p6 (f64x2.add (v128.load offset=192 (i32.const 0)) (f64x2.mul (v128.load offset=208 (i32.const 0)) (local.get $r))))
    (local.set $p7 (f64x2.add (v128.load offset=224 (i32.const 0)) (f64x2.mul (v128.load offset=240 (i32.const 0)) (local.get $r))))
    (local.set $p0 (f64x2.add (local.get $p0) (f64x2.mul (local.get $r2) (local.get $p1))))
    (local.set $p2 (f64x2.add (local.get $p2) (f64x2.mul (local.get $r2) (local.get $p3))))
    (local.set $p4 (f64x2.add (local.get $p4) (f64x2.mul (local.get $r2) (local.get $p5))))
    (local.set $p6 (f64x2.add (local.get $p6) (f64x2.mul (local.get $r2) (local.get $p7))))
    (local.set $p0 (f64x2.add (local.get $p0) (f64x2.mul (local.get $r4) (local.get $p2))))
    (local.set $p4 (f64x2.add (local.get $p4) (f64x2.mul (local.get $r4) (local.get $p6))))
    (local.set $q (f64x2.add (local.get $p0) (f64x2.mul (f64x2.mul (local.get $r4) (local.get $r4)) (local.get $p4))))
    ;; s = 2^k: k + 2^52 holds the integer k (0 <= k <= 64) in its low mantissa bits; move it into
    ;; the exponent field as k + 1023
    (local.set $s
      (i64x2.shl
        (i64x2.add
          (f64x2.add (local.get $k) (v128.load offset=320 (i32.const 0)))
          (v128.load offset=336 (i32.const 0)))
        (i32.const 52)))
    ;; E = s·(r + r²·Q) + (s − 1)
    (local.set $e
      (f64x2.add
        (f64x2.mul (local.get $s)
          (f64x2.add (local.get $r) (f64x2.mul (f64x2.mul (local.get $r) (local.get $r)) (local.get $q))))
        (f64x2.sub (local.get $s) (v128.load offset=352 (i32.const 0)))))
    ;; tanh = E / (E + 2), with x's sign bit
    (v128.bitselect
      (local.get $x)
      (f64x2.div (local.get $e) (f64x2.add (local.get $e) (v128.load offset=368 (i32.const 0))))
      (v128.load offset=384 (i32.const 0))))

  ;; tanh(x) of one double, as $tanh2 computes it (for the test against Math.tanh).
  (func (export "tanh") (param $x f64) (result f64)
    (f64x2.extract_lane 0 (call $tanh2 (f64x2.splat (local.get $x)))))

  ;; Z[i,j] = act(Z[i,j] + b[j]) for an (n, p) matrix at z and p biases at b.
  ;; act: 0 identity, 1 ReLU (z <= 0 -> +0, as `if (z <= 0) z = 0`; NaN stays), 2 tanh.
  (func (export "biasAct") (param $z i32) (param $b i32) (param $n i32) (param $p i32) (param $act i32)
    (local $j i32) (local $bj i32) (local $v v128) (local $s f64) (local $end i32)
    (local.set $end (i32.add (local.get $z) (i32.shl (i32.mul (local.get $n) (local.get $p)) (i32.const 3))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
        (local.set $j (i32.const 0))
        (local.set $bj (local.get $b))
        ;; two columns at a time
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.gt_u (i32.add (local.get $j) (i32.const 2)) (local.get $p)))
            (local.set $v (f64x2.add (v128.load (local.get $z)) (v128.load (local.get $bj))))
            (if (i32.eq (local.get $act) (i32.const 1))
              (then (local.set $v (v128.andnot (local.get $v) (f64x2.le (local.get $v) (v128.const f64x2 0 0))))))
            (if (i32.eq (local.get $act) (i32.const 2)) (then (local.set $v (call $tanh2 (local.get $v)))))
            (v128.store (local.get $z) (local.get $v))
            (local.set $z (i32.add (local.get $z) (i32.const 16)))
            (local.set $bj (i32.add (local.get $bj) (i32.const 16)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $pairs)))
        ;; an odd last column
        (if (i32.lt_u (local.get $j) (local.get $p))
          (then
            (local.set $s (f64.add (f64.load (local.get $z)) (f64.load (local.get $bj))))
            (if (i32.eq (local.get $act) (i32.const 1))
              (then (if (f64.le (local.get $s) (f64.const 0)) (then (local.set $s (f64.const 0))))))
            (if (i32.eq (local.get $act) (i32.const 2))
              (then (local.set $s (f64x2.extract_lane 0 (call $tanh2 (f64x2.splat (local.get $s)))))))
            (f64.store (local.get $z) (local.get $s))
            (local.set $z (i32.add (local.get $z) (i32.const 8)))))
        (br $row))))

  ;; d[i] <- d[i] · f'(z[i]) written with a = f(z) at a, len elements:
  ;; act 1 ReLU: d = 0 where a == 0 (+0);  2 tanh: d = d · (1 − a·a);  3 logistic: d = d · a, then d = d · (1 − a).
  (func (export "actDeriv") (param $a i32) (param $d i32) (param $len i32) (param $act i32)
    (local $end i32) (local $x v128) (local $y v128) (local $s f64) (local $t f64)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $len) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $x (v128.load (local.get $a)))
        (local.set $y (v128.load (local.get $d)))
        (if (i32.eq (local.get $act) (i32.const 1))
          (then (local.set $y (v128.andnot (local.get $y) (f64x2.eq (local.get $x) (v128.const f64x2 0 0))))))
        (if (i32.eq (local.get $act) (i32.const 2))
          (then
            (local.set $y
              (f64x2.mul (local.get $y)
                (f64x2.sub (v128.const f64x2 1 1) (f64x2.mul (local.get $x) (local.get $x)))))))
        (if (i32.eq (local.get $act) (i32.const 3))
          (then
            (local.set $y (f64x2.mul (local.get $y) (local.get $x)))
            (local.set $y (f64x2.mul (local.get $y) (f64x2.sub (v128.const f64x2 1 1) (local.get $x))))))
        (v128.store (local.get $d) (local.get $y))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $d (i32.add (local.get $d) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $len) (i32.const 1))
      (then
        (local.set $s (f64.load (local.get $a)))
        (local.set $t (f64.load (local.get $d)))
        (if (i32.eq (local.get $act) (i32.const 1))
          (then (if (f64.eq (local.get $s) (f64.const 0)) (then (local.set $t (f64.const 0))))))
        (if (i32.eq (local.get $act) (i32.const 2))
          (then (local.set $t (f64.mul (local.get $t) (f64.sub (f64.const 1) (f64.mul (local.get $s) (local.get $s)))))))
        (if (i32.eq (local.get $act) (i32.const 3))
          (then
            (local.set $t (f64.mul (local.get $t) (local.get $s)))
            (local.set $t (f64.mul (local.get $t) (f64.sub (f64.const 1) (local.get $s))))))
        (f64.store (local.get $d) (local.get $t)))))

  ;; out[j] = (Σ_i d[i,j]) / n for an (n, p) matrix at d: each sum from 0.0, rows i ascending —
  ;; accumulated row by row in out (two columns a lane pair), so that the p sums advance together
  ;; instead of one long chain of dependent additions per column.
  (func (export "colMean") (param $d i32) (param $out i32) (param $n i32) (param $p i32)
    (local $j i32) (local $i i32) (local $o i32) (local $end i32) (local $pairsEnd i32) (local $nn f64)
    (local.set $nn (f64.convert_i32_u (local.get $n)))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 3))))
    (local.set $pairsEnd (i32.add (local.get $out) (i32.shl (i32.and (local.get $p) (i32.const -2)) (i32.const 3))))
    ;; out = 0.0
    (local.set $o (local.get $out))
    (block $zeroed
      (loop $zero
        (br_if $zeroed (i32.ge_u (local.get $o) (local.get $end)))
        (f64.store (local.get $o) (f64.const 0))
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (br $zero)))
    ;; out += row i, for i = 0 … n−1 (d walks the rows contiguously)
    (local.set $i (local.get $n))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.eqz (local.get $i)))
        (local.set $o (local.get $out))
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.ge_u (local.get $o) (local.get $pairsEnd)))
            (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (v128.load (local.get $d))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $pairs)))
        (if (i32.lt_u (local.get $o) (local.get $end))
          (then
            (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (f64.load (local.get $d))))
            (local.set $d (i32.add (local.get $d) (i32.const 8)))))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $rows)))
    ;; out /= n
    (local.set $o (local.get $out))
    (block $divided
      (loop $divide
        (br_if $divided (i32.ge_u (local.get $o) (local.get $end)))
        (f64.store (local.get $o) (f64.div (f64.load (local.get $o)) (local.get $nn)))
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (br $divide))))

  ;; dst row i = src row idx[i] for i < rows: idx holds i32 row numbers at ix, rows of `cols`
  ;; doubles (the mini-batch's rows of X or Y, copied as they are).
  (func (export "gatherRows") (param $src i32) (param $ix i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $rb i32) (local $s i32) (local $e i32)
    (local.set $rb (i32.shl (local.get $cols) (i32.const 3)))
    (block $done
      (loop $row
        (br_if $done (i32.eqz (local.get $rows)))
        (local.set $s (i32.add (local.get $src) (i32.mul (i32.load (local.get $ix)) (local.get $rb))))
        (memory.copy (local.get $dst) (local.get $s) (local.get $rb))
        (local.set $dst (i32.add (local.get $dst) (local.get $rb)))
        (local.set $ix (i32.add (local.get $ix) (i32.const 4)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $row))))

  ;; g[i] = (g[i] + alpha · w[i]) / n   (the weight gradient with its L2 term), len elements.
  (func (export "gradL2") (param $g i32) (param $w i32) (param $len i32) (param $alpha f64) (param $n f64)
    (local $end i32) (local $va v128) (local $vn v128)
    (local.set $va (f64x2.splat (local.get $alpha)))
    (local.set $vn (f64x2.splat (local.get $n)))
    (local.set $end (i32.add (local.get $g) (i32.shl (i32.and (local.get $len) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
        (v128.store (local.get $g)
          (f64x2.div
            (f64x2.add (v128.load (local.get $g)) (f64x2.mul (local.get $va) (v128.load (local.get $w))))
            (local.get $vn)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $len) (i32.const 1))
      (then
        (f64.store (local.get $g)
          (f64.div
            (f64.add (f64.load (local.get $g)) (f64.mul (local.get $alpha) (f64.load (local.get $w))))
            (local.get $n))))))

  ;; Σ w[i]·w[i], left to right from 0.0 (the loss's L2 term), len elements.
  (func (export "sumSquares") (param $w i32) (param $len i32) (result f64)
    (local $s f64) (local $end i32)
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $len) (i32.const 3))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $w)) (f64.load (local.get $w)))))
        (local.set $w (i32.add (local.get $w) (i32.const 8)))
        (br $each)))
    (local.get $s))

  ;; SGD with momentum (optimizers.ts SGDOptimizer.update), len elements:
  ;;   v <- mu·v − eta·g;  theta <- theta + (mu·v − eta·g)  (nesterov ≠ 0)  or  theta <- theta + v
  (func (export "sgdStep")
    (param $theta i32) (param $v i32) (param $g i32) (param $len i32) (param $mu f64) (param $eta f64)
    (param $nesterov i32)
    (local $end i32) (local $vmu v128) (local $veta v128) (local $x v128) (local $gg v128) (local $s f64)
    (local.set $vmu (f64x2.splat (local.get $mu)))
    (local.set $veta (f64x2.splat (local.get $eta)))
    (local.set $end (i32.add (local.get $theta) (i32.shl (i32.and (local.get $len) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $theta) (local.get $end)))
        (local.set $gg (f64x2.mul (local.get $veta) (v128.load (local.get $g))))
        (local.set $x (f64x2.sub (f64x2.mul (local.get $vmu) (v128.load (local.get $v))) (local.get $gg)))
        (v128.store (local.get $v) (local.get $x))
        (if (local.get $nesterov)
          (then (local.set $x (f64x2.sub (f64x2.mul (local.get $vmu) (local.get $x)) (local.get $gg)))))
        (v128.store (local.get $theta) (f64x2.add (v128.load (local.get $theta)) (local.get $x)))
        (local.set $theta (i32.add (local.get $theta) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $len) (i32.const 1))
      (then
        (local.set $s
          (f64.sub (f64.mul (local.get $mu) (f64.load (local.get $v))) (f64.mul (local.get $eta) (f64.load (local.get $g)))))
        (f64.store (local.get $v) (local.get $s))
        (if (local.get $nesterov)
          (then
            (local.set $s
              (f64.sub (f64.mul (local.get $mu) (local.get $s)) (f64.mul (local.get $eta) (f64.load (local.get $g)))))))
        (f64.store (local.get $theta) (f64.add (f64.load (local.get $theta)) (local.get $s))))))

  ;; Adam (optimizers.ts AdamOptimizer.update), len elements, c1 = 1 − b1 and c2 = 1 − b2 as computed there:
  ;;   m <- b1·m + c1·g;  v <- b2·v + c2·(g·g);  theta <- theta + (−eta·m) / (sqrt(v) + eps)
  (func (export "adamStep")
    (param $theta i32) (param $m i32) (param $v i32) (param $g i32) (param $len i32)
    (param $b1 f64) (param $c1 f64) (param $b2 f64) (param $c2 f64) (param $eta f64) (param $eps f64)
    (local $end i32) (local $gg v128) (local $mm v128) (local $vv v128)
    (local $s f64) (local $sm f64) (local $sv f64)
    (local.set $end (i32.add (local.get $theta) (i32.shl (i32.and (local.get $len) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $theta) (local.get $end)))
        (local.set $gg (v128.load (local.get $g)))
        (local.set $mm
          (f64x2.add (f64x2.mul (f64x2.splat (local.get $b1)) (v128.load (local.get $m)))
            (f64x2.mul (f64x2.splat (local.get $c1)) (local.get $gg))))
        (local.set $vv
          (f64x2.add (f64x2.mul (f64x2.splat (local.get $b2)) (v128.load (local.get $v)))
            (f64x2.mul (f64x2.splat (local.get $c2)) (f64x2.mul (local.get $gg) (local.get $gg)))))
        (v128.store (local.get $m) (local.get $mm))
        (v128.store (local.get $v) (local.get $vv))
        (v128.store (local.get $theta)
          (f64x2.add (v128.load (local.get $theta))
            (f64x2.div (f64x2.mul (f64x2.splat (f64.neg (local.get $eta))) (local.get $mm))
              (f64x2.add (f64x2.sqrt (local.get $vv)) (f64x2.splat (local.get $eps))))))
        (local.set $theta (i32.add (local.get $theta) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $len) (i32.const 1))
      (then
        (local.set $s (f64.load (local.get $g)))
        (local.set $sm
          (f64.add (f64.mul (local.get $b1) (f64.load (local.get $m))) (f64.mul (local.get $c1) (local.get $s))))
        (local.set $sv
          (f64.add (f64.mul (local.get $b2) (f64.load (local.get $v)))
            (f64.mul (local.get $c2) (f64.mul (local.get $s) (local.get $s)))))
        (f64.store (local.get $m) (local.get $sm))
        (f64.store (local.get $v) (local.get $sv))
        (f64.store (local.get $theta)
          (f64.add (f64.load (local.get $theta))
            (f64.div (f64.mul (f64.neg (local.get $eta)) (local.get $sm))
              (f64.add (f64.sqrt (local.get $sv)) (local.get $eps))))))))

  ;; d[i] = out[i] − y[i], len elements (the output layer's delta).
  (func (export "sub") (param $out i32) (param $y i32) (param $d i32) (param $len i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $d) (i32.shl (i32.and (local.get $len) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $d) (local.get $end)))
        (v128.store (local.get $d) (f64x2.sub (v128.load (local.get $out)) (v128.load (local.get $y))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $d (i32.add (local.get $d) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $len) (i32.const 1))
      (then (f64.store (local.get $d) (f64.sub (f64.load (local.get $out)) (f64.load (local.get $y))))))))

