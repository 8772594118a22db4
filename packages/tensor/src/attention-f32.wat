;; Fused attention in WebAssembly SIMD — the fast path of attention.ts's op: per head,
;;   forward:  P = softmax(q kᵀ·s [causal]),  O = P v
;;   backward: dP = dO vᵀ,  dS = s·P ⊙ (dP − Σ dP ⊙ P),  dQ = dS k,  dK = dSᵀ q,  dV = Pᵀ dO
;; in one call each, the scores and weights never leaving the module's memory (the weights P are
;; copied out once, for the backward pass and the lessons that show them). Causal rows skip the
;; keys they cannot see.
;;
;; Row-major float32 in the exported memory; addresses in bytes, sizes and strides in elements.
;; Element (b, h, t, c) of q (and dq) is at q + 4·(b·qB + h·qH + t·qT + c); k, v, dk, dv use the
;; strides kB, kH, kT; o and dO use oB, oH, oT — so the heads may sit in (B, h, T, d) tensors or side
;; by side in (B, T, h·d) rows. P is (B, h, Tq, Tk), contiguous. An optional key mask (B × Tk
;; floats, 0 for padding keys; address 0: none) zeroes those keys' weights; the backward pass needs
;; no mask (the kept weights are 0 there). Needs Tk a multiple of 4 and d of 16 (attention.ts takes
;; its batched-products path otherwise).
;;
;; Assembled by scripts/build-wasm.mjs (wabt, feature simd) into src/attention-f32-wasm.ts.
(module
  (memory (export "memory") 1)

  ;; exp(x), four lanes: Cephes' expf, as elementwise-f32.wat (x clamped to [-87.3, 88]; pmin/pmax
  ;; and the 2^n from fx's bits as there, for speed)
  (func $exp (param $x v128) (result v128)
    (local $fx v128) (local $z v128) (local $y v128)
    (local.set $x
      (f32x4.pmin
        (f32x4.pmax (local.get $x) (v128.const f32x4 -87.33654 -87.33654 -87.33654 -87.33654))
        (v128.const f32x4 88.0 88.0 88.0 88.0)))
    (local.set $fx
      (f32x4.nearest
        (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
    (local.set $x
      (f32x4.sub (local.get $x)
        (f32x4.mul (local.get $fx) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
    (local.set $x
      (f32x4.add (local.get $x)
        (f32x4.mul (local.get $fx) (v128.const f32x4 2.12194440e-4 2.12194440e-4 2.12194440e-4 2.12194440e-4))))
    (local.set $z (f32x4.mul (local.get $x) (local.get $x)))
    (local.set $y (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x))
      (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x))
      (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x))
      (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x))
      (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $x))
      (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $y
      (f32x4.add
        (f32x4.add (f32x4.mul (local.get $y) (local.get $z)) (local.get $x))
        (v128.const f32x4 1.0 1.0 1.0 1.0)))
    ;; × 2^n: fx + 2^23 + 127 holds n + 127 in its low mantissa bits; << 23 makes them the float 2^n
    (f32x4.mul (local.get $y)
      (i32x4.shl
        (f32x4.add (local.get $fx) (v128.const f32x4 8388735.0 8388735.0 8388735.0 8388735.0))
        (i32.const 23))))

  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; dst (d × T) = the transpose of the d columns of T rows at src, rowStep bytes apart
  (func $transpose (param $dst i32) (param $src i32) (param $T i32) (param $rowStep i32) (param $d i32)
    (local $t i32) (local $c i32) (local $s i32)
    (block $td (loop $tl
      (br_if $td (i32.ge_u (local.get $t) (local.get $T)))
      (local.set $s (i32.add (local.get $src) (i32.mul (local.get $t) (local.get $rowStep))))
      (local.set $c (i32.const 0))
      (block $cd (loop $cl
        (br_if $cd (i32.ge_u (local.get $c) (local.get $d)))
        (f32.store
          (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $T)) (local.get $t)) (i32.const 2)))
          (f32.load (i32.add (local.get $s) (i32.shl (local.get $c) (i32.const 2)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $cl)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tl))))

  ;; out[j] = s · Σ_c a[c] at[c·T + j] for j < n (n a multiple of 4): a row (d floats) against the
  ;; columns of a transposed (d × T) matrix, 16 columns at a time, then 4
  (func $rowScores (param $out i32) (param $a i32) (param $at i32) (param $T i32) (param $d i32)
    (param $n i32) (param $s f32)
    (local $j i32) (local $c i32) (local $x v128) (local $p i32) (local $rowT i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $sv v128)
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $rowT (i32.shl (local.get $T) (i32.const 2)))
    (block $d16 (loop $l16
      (br_if $d16 (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $n)))
      (local.set $a0 (v128.const f32x4 0 0 0 0))
      (local.set $a1 (v128.const f32x4 0 0 0 0))
      (local.set $a2 (v128.const f32x4 0 0 0 0))
      (local.set $a3 (v128.const f32x4 0 0 0 0))
      (local.set $p (i32.add (local.get $at) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $c (i32.const 0))
      (block $cd (loop $cl
        (br_if $cd (i32.ge_u (local.get $c) (local.get $d)))
        (local.set $x (v128.load32_splat (i32.add (local.get $a) (i32.shl (local.get $c) (i32.const 2)))))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $x) (v128.load (local.get $p)))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $p)))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $p)))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (local.get $rowT)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $cl)))
      (local.set $p (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
      (v128.store (local.get $p) (f32x4.mul (local.get $sv) (local.get $a0)))
      (v128.store offset=16 (local.get $p) (f32x4.mul (local.get $sv) (local.get $a1)))
      (v128.store offset=32 (local.get $p) (f32x4.mul (local.get $sv) (local.get $a2)))
      (v128.store offset=48 (local.get $p) (f32x4.mul (local.get $sv) (local.get $a3)))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $l16)))
    (block $d4 (loop $l4
      (br_if $d4 (i32.ge_u (local.get $j) (local.get $n)))
      (local.set $a0 (v128.const f32x4 0 0 0 0))
      (local.set $p (i32.add (local.get $at) (i32.shl (local.get $j) (i32.const 2))))
      (local.set $c (i32.const 0))
      (block $cd (loop $cl
        (br_if $cd (i32.ge_u (local.get $c) (local.get $d)))
        (local.set $a0 (f32x4.add (local.get $a0)
          (f32x4.mul (v128.load32_splat (i32.add (local.get $a) (i32.shl (local.get $c) (i32.const 2))))
            (v128.load (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (local.get $rowT)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $cl)))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (f32x4.mul (local.get $sv) (local.get $a0)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $l4))))

  ;; out[c] = Σ_{i = from}^{to − 1} w[i] · rows[i][c] for c < d (d a multiple of 16): the weights
  ;; wStep bytes apart, the rows rowStep bytes apart; written (zeros when from ≥ to)
  (func $combine (param $out i32) (param $w i32) (param $wStep i32) (param $rows i32) (param $rowStep i32)
    (param $from i32) (param $to i32) (param $d i32)
    (local $cc i32) (local $i i32) (local $x v128) (local $p i32) (local $wp i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (block $ccd (loop $ccl
      (br_if $ccd (i32.ge_u (local.get $cc) (local.get $d)))
      (local.set $a0 (v128.const f32x4 0 0 0 0))
      (local.set $a1 (v128.const f32x4 0 0 0 0))
      (local.set $a2 (v128.const f32x4 0 0 0 0))
      (local.set $a3 (v128.const f32x4 0 0 0 0))
      (local.set $i (local.get $from))
      (local.set $wp (i32.add (local.get $w) (i32.mul (local.get $i) (local.get $wStep))))
      (local.set $p (i32.add (i32.add (local.get $rows) (i32.mul (local.get $i) (local.get $rowStep)))
        (i32.shl (local.get $cc) (i32.const 2))))
      (block $id (loop $il
        (br_if $id (i32.ge_s (local.get $i) (local.get $to)))
        (local.set $x (v128.load32_splat (local.get $wp)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $x) (v128.load (local.get $p)))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $p)))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $p)))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $p)))))
        (local.set $wp (i32.add (local.get $wp) (local.get $wStep)))
        (local.set $p (i32.add (local.get $p) (local.get $rowStep)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $il)))
      (local.set $p (i32.add (local.get $out) (i32.shl (local.get $cc) (i32.const 2))))
      (v128.store (local.get $p) (local.get $a0))
      (v128.store offset=16 (local.get $p) (local.get $a1))
      (v128.store offset=32 (local.get $p) (local.get $a2))
      (v128.store offset=48 (local.get $p) (local.get $a3))
      (local.set $cc (i32.add (local.get $cc) (i32.const 16)))
      (br $ccl))))

  ;; the row p[0, T) of scores becomes softmax over its first lim entries; the rest 0 (n = lim
  ;; rounded up to 4, ≤ T)
  ;; mask (when not 0): T floats, 0 for keys no query sees — their weights are 0, and a row that
  ;; sees no key is all zeros
  (func $softmaxRow (param $p i32) (param $lim i32) (param $n i32) (param $T i32) (param $mask i32)
    (local $j i32) (local $m f32) (local $mv v128) (local $sv v128) (local $e v128) (local $inv v128)
    (local $sum f32)
    (local.set $m (f32.const -inf))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_u (local.get $j) (local.get $lim)))
      (if (i32.or (i32.eqz (local.get $mask))
            (f32.ne (f32.load (i32.add (local.get $mask) (i32.shl (local.get $j) (i32.const 2)))) (f32.const 0)))
        (then
          (local.set $m (f32.max (local.get $m) (f32.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $l1)))
    (local.set $mv (f32x4.splat (local.get $m)))
    (local.set $sv (v128.const f32x4 0 0 0 0))
    (local.set $j (i32.const 0))
    (block $d2 (loop $l2
      (br_if $d2 (i32.ge_u (local.get $j) (local.get $n)))
      ;; lanes j + 0..3 at or past lim (future keys) get 0
      (local.set $e
        (v128.and
          (call $exp (f32x4.sub (v128.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))) (local.get $mv)))
          (i32x4.lt_s
            (i32x4.add (i32x4.splat (local.get $j)) (v128.const i32x4 0 1 2 3))
            (i32x4.splat (local.get $lim)))))
      (if (local.get $mask)
        (then
          (local.set $e (v128.and (local.get $e)
            (f32x4.ne (v128.load (i32.add (local.get $mask) (i32.shl (local.get $j) (i32.const 2))))
              (v128.const f32x4 0 0 0 0))))))
      (v128.store (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))) (local.get $e))
      (local.set $sv (f32x4.add (local.get $sv) (local.get $e)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $l2)))
    ;; every key masked: the sum is 0 and the row stays 0
    (local.set $sum (call $hsum (local.get $sv)))
    (local.set $inv (f32x4.splat (select (f32.div (f32.const 1) (local.get $sum)) (f32.const 0)
      (f32.gt (local.get $sum) (f32.const 0)))))
    (local.set $j (i32.const 0))
    (block $d3 (loop $l3
      (br_if $d3 (i32.ge_u (local.get $j) (local.get $n)))
      (v128.store (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))
        (f32x4.mul (local.get $inv) (v128.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $l3)))
    (block $d4 (loop $l4
      (br_if $d4 (i32.ge_u (local.get $j) (local.get $T)))
      (v128.store (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2))) (v128.const f32x4 0 0 0 0))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $l4))))

  ;; P = softmax(q kᵀ·s [causal]) into p, O = P v into o; kt: scratch of d × Tk floats
  (func (export "forward")
    (param $q i32) (param $k i32) (param $v i32) (param $o i32) (param $p i32) (param $kt i32)
    (param $B i32) (param $H i32) (param $Tq i32) (param $Tk i32) (param $d i32)
    (param $qB i32) (param $qH i32) (param $qT i32)
    (param $kB i32) (param $kH i32) (param $kT i32)
    (param $oB i32) (param $oH i32) (param $oT i32)
    (param $causal i32) (param $s f32) (param $mask i32)
    (local $b i32) (local $h i32) (local $i i32) (local $lim i32) (local $n i32) (local $mrow i32)
    (local $qh i32) (local $kh i32) (local $vh i32) (local $oh i32) (local $ph i32) (local $prow i32)
    (block $bd (loop $bl
      (br_if $bd (i32.ge_u (local.get $b) (local.get $B)))
      (local.set $h (i32.const 0))
      (block $hd (loop $hl
        (br_if $hd (i32.ge_u (local.get $h) (local.get $H)))
        (local.set $qh (i32.add (local.get $q) (i32.shl (i32.add (i32.mul (local.get $b) (local.get $qB)) (i32.mul (local.get $h) (local.get $qH))) (i32.const 2))))
        (local.set $kh (i32.add (local.get $k) (i32.shl (i32.add (i32.mul (local.get $b) (local.get $kB)) (i32.mul (local.get $h) (local.get $kH))) (i32.const 2))))
        (local.set $vh (i32.add (local.get $v) (i32.shl (i32.add (i32.mul (local.get $b) (local.get $kB)) (i32.mul (local.get $h) (local.get $kH))) (i32.const 2))))
        (local.set $oh (i32.add (local.get $o) (i32.shl (i32.add (i32.mul (local.get $b) (local.get $oB)) (i32.mul (local.get $h) (local.get $oH))) (i32.const 2))))
        (local.set $ph (i32.add (local.get $p)
          (i32.shl (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H)) (local.get $h)) (i32.mul (local.get $Tq) (local.get $Tk))) (i32.const 2))))
        (call $transpose (local.get $kt) (local.get $kh) (local.get $Tk) (i32.shl (local.get $kT) (i32.const 2)) (local.get $d))
        ;; sequence b's key mask (B × Tk), or 0
        (local.set $mrow (select
          (i32.add (local.get $mask) (i32.shl (i32.mul (local.get $b) (local.get $Tk)) (i32.const 2)))
          (i32.const 0) (local.get $mask)))
        (local.set $i (i32.const 0))
        (block $id (loop $il
          (br_if $id (i32.ge_u (local.get $i) (local.get $Tq)))
          (local.set $lim (select (i32.add (local.get $i) (i32.const 1)) (local.get $Tk) (local.get $causal)))
          (local.set $n (i32.and (i32.add (local.get $lim) (i32.const 3)) (i32.const -4)))
          (local.set $prow (i32.add (local.get $ph) (i32.shl (i32.mul (local.get $i) (local.get $Tk)) (i32.const 2))))
          (call $rowScores (local.get $prow)
            (i32.add (local.get $qh) (i32.shl (i32.mul (local.get $i) (local.get $qT)) (i32.const 2)))
            (local.get $kt) (local.get $Tk) (local.get $d) (local.get $n) (local.get $s))
          (call $softmaxRow (local.get $prow) (local.get $lim) (local.get $n) (local.get $Tk) (local.get $mrow))
          (call $combine
            (i32.add (local.get $oh) (i32.shl (i32.mul (local.get $i) (local.get $oT)) (i32.const 2)))
            (local.get $prow) (i32.const 4) (local.get $vh) (i32.shl (local.get $kT) (i32.const 2))
            (i32.const 0) (local.get $lim) (local.get $d))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $il)))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br $hl)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl))))

  ;; dq, dk, dv (written) from dO and the kept P; vt: scratch of d × Tk floats, ds: of Tq × Tk
  (func (export "backward")
    (param $q i32) (param $k i32) (param $v i32) (param $dO i32) (param $p i32)
    (param $dq i32) (param $dk i32) (param $dv i32) (param $vt i32) (param $ds i32)
    (param $B i32) (param $H i32) (param $Tq i32) (param $Tk i32) (param $d i32)
    (param $qB i32) (param $qH i32) (param $qT i32)
    (param $kB i32) (param $kH i32) (param $kT i32)
    (param $oB i32) (param $oH i32) (param $oT i32)
    (param $causal i32) (param $s f32)
    (local $b i32) (local $h i32) (local $i i32) (local $j i32) (local $lim i32) (local $n i32)
    (local $qo i32) (local $ko i32) (local $oo i32) (local $ph i32) (local $prow i32) (local $srow i32)
    (local $dot f32) (local $x f32) (local $kStep i32) (local $qStep i32) (local $oStep i32) (local $TkB i32)
    (local.set $kStep (i32.shl (local.get $kT) (i32.const 2)))
    (local.set $qStep (i32.shl (local.get $qT) (i32.const 2)))
    (local.set $oStep (i32.shl (local.get $oT) (i32.const 2)))
    (local.set $TkB (i32.shl (local.get $Tk) (i32.const 2)))
    (block $bd (loop $bl
      (br_if $bd (i32.ge_u (local.get $b) (local.get $B)))
      (local.set $h (i32.const 0))
      (block $hd (loop $hl
        (br_if $hd (i32.ge_u (local.get $h) (local.get $H)))
        ;; byte offsets of this head in the q-, k- and o-shaped arrays
        (local.set $qo (i32.shl (i32.add (i32.mul (local.get $b) (local.get $qB)) (i32.mul (local.get $h) (local.get $qH))) (i32.const 2)))
        (local.set $ko (i32.shl (i32.add (i32.mul (local.get $b) (local.get $kB)) (i32.mul (local.get $h) (local.get $kH))) (i32.const 2)))
        (local.set $oo (i32.shl (i32.add (i32.mul (local.get $b) (local.get $oB)) (i32.mul (local.get $h) (local.get $oH))) (i32.const 2)))
        (local.set $ph (i32.add (local.get $p)
          (i32.shl (i32.mul (i32.add (i32.mul (local.get $b) (local.get $H)) (local.get $h)) (i32.mul (local.get $Tq) (local.get $Tk))) (i32.const 2))))
        (call $transpose (local.get $vt) (i32.add (local.get $v) (local.get $ko)) (local.get $Tk) (local.get $kStep) (local.get $d))
        ;; per query row: dP = dO_i Vᵀ, dS = s·P ⊙ (dP − Σ dP ⊙ P), dq_i = dS_i K
        (local.set $i (i32.const 0))
        (block $id (loop $il
          (br_if $id (i32.ge_u (local.get $i) (local.get $Tq)))
          (local.set $lim (select (i32.add (local.get $i) (i32.const 1)) (local.get $Tk) (local.get $causal)))
          (local.set $n (i32.and (i32.add (local.get $lim) (i32.const 3)) (i32.const -4)))
          (local.set $prow (i32.add (local.get $ph) (i32.mul (local.get $i) (local.get $TkB))))
          (local.set $srow (i32.add (local.get $ds) (i32.mul (local.get $i) (local.get $TkB))))
          (call $rowScores (local.get $srow)
            (i32.add (i32.add (local.get $dO) (local.get $oo)) (i32.mul (local.get $i) (local.get $oStep)))
            (local.get $vt) (local.get $Tk) (local.get $d) (local.get $n) (f32.const 1))
          (local.set $dot (f32.const 0))
          (local.set $j (i32.const 0))
          (block $jd (loop $jl
            (br_if $jd (i32.ge_u (local.get $j) (local.get $lim)))
            (local.set $dot (f32.add (local.get $dot)
              (f32.mul (f32.load (i32.add (local.get $prow) (i32.shl (local.get $j) (i32.const 2))))
                (f32.load (i32.add (local.get $srow) (i32.shl (local.get $j) (i32.const 2)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jl)))
          (local.set $j (i32.const 0))
          (block $jd2 (loop $jl2
            (br_if $jd2 (i32.ge_u (local.get $j) (local.get $lim)))
            (local.set $x (f32.load (i32.add (local.get $prow) (i32.shl (local.get $j) (i32.const 2)))))
            (f32.store (i32.add (local.get $srow) (i32.shl (local.get $j) (i32.const 2)))
              (f32.mul (f32.mul (local.get $s) (local.get $x))
                (f32.sub (f32.load (i32.add (local.get $srow) (i32.shl (local.get $j) (i32.const 2)))) (local.get $dot))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jl2)))
          (call $combine
            (i32.add (i32.add (local.get $dq) (local.get $qo)) (i32.mul (local.get $i) (local.get $qStep)))
            (local.get $srow) (i32.const 4) (i32.add (local.get $k) (local.get $ko)) (local.get $kStep)
            (i32.const 0) (local.get $lim) (local.get $d))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $il)))
        ;; per key row: dk_j = Σ_i dS_ij q_i, dv_j = Σ_i P_ij dO_i over the queries that see key j
        (local.set $j (i32.const 0))
        (block $kd (loop $kl
          (br_if $kd (i32.ge_u (local.get $j) (local.get $Tk)))
          (call $combine
            (i32.add (i32.add (local.get $dk) (local.get $ko)) (i32.mul (local.get $j) (local.get $kStep)))
            (i32.add (local.get $ds) (i32.shl (local.get $j) (i32.const 2))) (local.get $TkB)
            (i32.add (local.get $q) (local.get $qo)) (local.get $qStep)
            (select (local.get $j) (i32.const 0) (local.get $causal)) (local.get $Tq) (local.get $d))
          (call $combine
            (i32.add (i32.add (local.get $dv) (local.get $ko)) (i32.mul (local.get $j) (local.get $kStep)))
            (i32.add (local.get $ph) (i32.shl (local.get $j) (i32.const 2))) (local.get $TkB)
            (i32.add (local.get $dO) (local.get $oo)) (local.get $oStep)
            (select (local.get $j) (i32.const 0) (local.get $causal)) (local.get $Tq) (local.get $d))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $kl)))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br $hl)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl)))))
