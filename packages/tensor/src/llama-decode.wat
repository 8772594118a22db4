;; Cached decoding of a Llama-architecture transformer (llama2.c's run.c) in WebAssembly SIMD: the
;; whole per-token forward pass — RMSNorm, the q/k/v/o, w1/w2/w3 and classifier matrix-vector
;; products, RoPE, grouped-query attention over the key/value cache, SwiGLU, the residual adds — in
;; one call, with the weights and every sequence's cache in this module's memory. llama-decode.ts lays
;; the memory out and copies the weights in; the JavaScript reference of the same forward pass is
;; Llama2c's (packages/transformers/src/llama2c.ts), which the tests compare this against.
;;
;; Float32 throughout, four lanes per f32x4: the products sum each row in four lanes then add the
;; lanes, so results agree with the reference (sums in float64, rounded when stored) to float32
;; rounding, not bit for bit. exp is a polynomial (Cephes expf, ~1 ulp); RoPE's cos/sin come from a
;; table llama-decode.ts computes once per model. Widths (dim, hidden_dim, head size) must be
;; multiples of 4; llama-decode.ts checks that.
;;
;; Memory (byte addresses, all multiples of 16):
;;   0     the model: 22 i32 fields, see $forward (written once by llama-decode.ts)
;;   …     the weights and the RoPE table
;;   …     one state block per live sequence: 10 i32 pointers (x, xb, xb2, hb, hb2, q, att, logits,
;;         key cache, value cache), then the buffers they point at
;;
;; Assembled by scripts/build-wasm.mjs (wabt, feature simd) into src/llama-decode-wasm.ts.
(module
  (memory (export "memory") 1)

  ;; [Σa, Σb, Σc, Σd]: the lanes of four vectors added, as one vector
  (func $hsum4 (param $a v128) (param $b v128) (param $c v128) (param $d v128) (result v128)
    (local $ab v128) (local $cd v128)
    ;; ab = [a0+a2, a1+a3, b0+b2, b1+b3], cd likewise
    (local.set $ab
      (f32x4.add
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b))))
    (local.set $cd
      (f32x4.add
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c) (local.get $d))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c) (local.get $d))))
    (f32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $ab) (local.get $cd))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $ab) (local.get $cd))))

  ;; e^x ($exp, four lanes; 0 below −87.34, −∞ included) and tanh: src/exp-tanh-f32.wat, shared with
  ;; elementwise-f32.wat and activations.wat
  ;; #include "exp-tanh-f32.wat"

  ;; out[r] = Σ_c W[r, c] · x[c] for row-major W (rows × cols), cols a multiple of 4; four rows at a
  ;; time, each summed in one f32x4 (lane j holds the columns ≡ j mod 4), the lanes added at the end
  (func $matvec (param $out i32) (param $w i32) (param $x i32) (param $rows i32) (param $cols i32)
    (local $rb i32) (local $end i32) (local $c i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local $xv v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $rb (i32.shl (local.get $cols) (i32.const 2)))
    ;; out advances 16 bytes per block of rows; blocks while four rows remain
    (local.set $end (i32.add (local.get $out) (i32.shl (i32.and (local.get $rows) (i32.const -4)) (i32.const 2))))
    (block $done4
      (loop $rows4
        (br_if $done4 (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $w1 (i32.add (local.get $w) (local.get $rb)))
        (local.set $w2 (i32.add (local.get $w1) (local.get $rb)))
        (local.set $w3 (i32.add (local.get $w2) (local.get $rb)))
        (local.set $s0 (v128.const i32x4 0 0 0 0))
        (local.set $s1 (v128.const i32x4 0 0 0 0))
        (local.set $s2 (v128.const i32x4 0 0 0 0))
        (local.set $s3 (v128.const i32x4 0 0 0 0))
        (local.set $c (i32.const 0))
        (loop $cols
          (local.set $xv (v128.load (i32.add (local.get $x) (local.get $c))))
          (local.set $s0 (f32x4.add (local.get $s0)
            (f32x4.mul (v128.load (i32.add (local.get $w) (local.get $c))) (local.get $xv))))
          (local.set $s1 (f32x4.add (local.get $s1)
            (f32x4.mul (v128.load (i32.add (local.get $w1) (local.get $c))) (local.get $xv))))
          (local.set $s2 (f32x4.add (local.get $s2)
            (f32x4.mul (v128.load (i32.add (local.get $w2) (local.get $c))) (local.get $xv))))
          (local.set $s3 (f32x4.add (local.get $s3)
            (f32x4.mul (v128.load (i32.add (local.get $w3) (local.get $c))) (local.get $xv))))
          (local.set $c (i32.add (local.get $c) (i32.const 16)))
          (br_if $cols (i32.lt_u (local.get $c) (local.get $rb))))
        (v128.store (local.get $out)
          (call $hsum4 (local.get $s0) (local.get $s1) (local.get $s2) (local.get $s3)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $w (i32.add (local.get $w3) (local.get $rb)))
        (br $rows4)))
    ;; the last rows % 4 rows, one at a time
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $rows) (i32.const 3)) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $s0 (v128.const i32x4 0 0 0 0))
        (local.set $c (i32.const 0))
        (loop $cols1
          (local.set $s0 (f32x4.add (local.get $s0)
            (f32x4.mul (v128.load (i32.add (local.get $w) (local.get $c)))
              (v128.load (i32.add (local.get $x) (local.get $c))))))
          (local.set $c (i32.add (local.get $c) (i32.const 16)))
          (br_if $cols1 (i32.lt_u (local.get $c) (local.get $rb))))
        (f32.store (local.get $out)
          (f32x4.extract_lane 0 (call $hsum4 (local.get $s0) (local.get $s0) (local.get $s0) (local.get $s0))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $w (i32.add (local.get $w) (local.get $rb)))
        (br $row))))

  ;; out = x / √(mean(x²) + 1e-5) ⊙ g, n (a multiple of 4) floats
  (func $rmsnorm (param $out i32) (param $x i32) (param $g i32) (param $n i32)
    (local $i i32) (local $nb i32) (local $v v128) (local $ss v128) (local $scale v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (loop $sum
      (local.set $v (v128.load (i32.add (local.get $x) (local.get $i))))
      (local.set $ss (f32x4.add (local.get $ss) (f32x4.mul (local.get $v) (local.get $v))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $sum (i32.lt_u (local.get $i) (local.get $nb))))
    (local.set $scale
      (f32x4.splat
        (f32.div (f32.const 1)
          (f32.sqrt
            (f32.add
              (f32.div
                (f32x4.extract_lane 0 (call $hsum4 (local.get $ss) (local.get $ss) (local.get $ss) (local.get $ss)))
                (f32.convert_i32_u (local.get $n)))
              (f32.const 1e-5))))))
    (local.set $i (i32.const 0))
    (loop $scale
      (v128.store (i32.add (local.get $out) (local.get $i))
        (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $i)))
          (f32x4.mul (v128.load (i32.add (local.get $x) (local.get $i))) (local.get $scale))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $scale (i32.lt_u (local.get $i) (local.get $nb)))))

  ;; x += y, n (a multiple of 4) floats
  (func $addTo (param $x i32) (param $y i32) (param $n i32)
    (local $i i32) (local $nb i32)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (loop $add
      (v128.store (i32.add (local.get $x) (local.get $i))
        (f32x4.add (v128.load (i32.add (local.get $x) (local.get $i)))
          (v128.load (i32.add (local.get $y) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $add (i32.lt_u (local.get $i) (local.get $nb)))))

  ;; RoPE on n floats at v (heads of hs floats, hs a multiple of 4): pair (2j, 2j+1) of a head turns
  ;; by pos·θ_j. cos = [c0 c0 c1 c1 …], sin = [−s0 s0 −s1 s1 …] (one head's worth, this position):
  ;; (a, b) ← (a·c − b·s, b·c + a·s) = (a, b)·c + (b, a)·(−s, s)
  (func $rope (param $v i32) (param $n i32) (param $cos i32) (param $sin i32) (param $hs i32)
    (local $i i32) (local $j i32) (local $nb i32) (local $hb i32) (local $x v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $hb (i32.shl (local.get $hs) (i32.const 2)))
    (loop $pairs
      (local.set $x (v128.load (i32.add (local.get $v) (local.get $i))))
      (v128.store (i32.add (local.get $v) (local.get $i))
        (f32x4.add
          (f32x4.mul (local.get $x) (v128.load (i32.add (local.get $cos) (local.get $j))))
          (f32x4.mul
            (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $x) (local.get $x))
            (v128.load (i32.add (local.get $sin) (local.get $j))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (if (i32.eq (local.get $j) (local.get $hb)) (then (local.set $j (i32.const 0))))
      (br_if $pairs (i32.lt_u (local.get $i) (local.get $nb)))))

  ;; One query head over positions 0..pos of its key/value head:
  ;;   att_t = q · k_t · scale, a = softmax(att), out = Σ_t a_t v_t
  ;; q, out: hs floats; k, v: the head's first position in the cache, kvb bytes between positions;
  ;; att: room for pos + 4 floats (rounded up to a multiple of 4)
  (func $attendHead
    (param $q i32) (param $k i32) (param $v i32) (param $kvb i32) (param $pos i32) (param $hs i32)
    (param $scale f32) (param $att i32) (param $out i32)
    (local $hb i32) (local $t i32) (local $i i32) (local $k1 i32) (local $k2 i32) (local $k3 i32)
    (local $a i32) (local $attEnd i32) (local $qv v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $m v128) (local $max f32)
    (local $sum v128) (local $e v128) (local $acc v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $vt i32) (local $kvb4 i32)
    (local.set $hb (i32.shl (local.get $hs) (i32.const 2)))
    ;; scores, four positions at a time (the last block may run past pos: those lanes are masked)
    (local.set $a (local.get $att))
    (local.set $attEnd (i32.add (local.get $att) (i32.shl (i32.add (local.get $pos) (i32.const 1)) (i32.const 2))))
    (local.set $k1 (local.get $k))
    (loop $block
      (local.set $k2 (i32.add (local.get $k1) (local.get $kvb)))
      (local.set $k3 (i32.add (local.get $k2) (local.get $kvb)))
      (local.set $t (i32.add (local.get $k3) (local.get $kvb)))
      (local.set $s0 (v128.const i32x4 0 0 0 0))
      (local.set $s1 (v128.const i32x4 0 0 0 0))
      (local.set $s2 (v128.const i32x4 0 0 0 0))
      (local.set $s3 (v128.const i32x4 0 0 0 0))
      (local.set $i (i32.const 0))
      (loop $dims
        (local.set $qv (v128.load (i32.add (local.get $q) (local.get $i))))
        (local.set $s0 (f32x4.add (local.get $s0)
          (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k1) (local.get $i))))))
        (local.set $s1 (f32x4.add (local.get $s1)
          (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k2) (local.get $i))))))
        (local.set $s2 (f32x4.add (local.get $s2)
          (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k3) (local.get $i))))))
        (local.set $s3 (f32x4.add (local.get $s3)
          (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $t) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br_if $dims (i32.lt_u (local.get $i) (local.get $hb))))
      (v128.store (local.get $a)
        (f32x4.mul (call $hsum4 (local.get $s0) (local.get $s1) (local.get $s2) (local.get $s3))
          (f32x4.splat (local.get $scale))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $k1 (i32.add (local.get $t) (local.get $kvb)))
      (br_if $block (i32.lt_u (local.get $a) (local.get $attEnd))))
    ;; positions after pos in the last block: −∞, which exp turns into 0
    (local.set $t (local.get $attEnd))
    (block $masked
      (loop $mask
        (br_if $masked (i32.ge_u (local.get $t) (local.get $a)))
        (f32.store (local.get $t) (f32.const -inf))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (br $mask)))
    ;; the largest score (subtracted before exp, for stability)
    (local.set $m (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $t (local.get $att))
    (loop $maxes
      (local.set $m (f32x4.max (local.get $m) (v128.load (local.get $t))))
      (local.set $t (i32.add (local.get $t) (i32.const 16)))
      (br_if $maxes (i32.lt_u (local.get $t) (local.get $a))))
    (local.set $max
      (f32.max
        (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
        (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))
    (local.set $m (f32x4.splat (local.get $max)))
    ;; a_t = exp(att_t − max), and their sum
    (local.set $t (local.get $att))
    (loop $exps
      (local.set $e (call $exp (f32x4.sub (v128.load (local.get $t)) (local.get $m))))
      (v128.store (local.get $t) (local.get $e))
      (local.set $sum (f32x4.add (local.get $sum) (local.get $e)))
      (local.set $t (i32.add (local.get $t) (i32.const 16)))
      (br_if $exps (i32.lt_u (local.get $t) (local.get $a))))
    (local.set $sum (call $hsum4 (local.get $sum) (local.get $sum) (local.get $sum) (local.get $sum)))
    (local.set $sum (f32x4.splat (f32x4.extract_lane 0 (local.get $sum))))
    ;; out = Σ_t a_t v_t / Σ_t a_t, four dimensions at a time; positions four at a time into four
    ;; sums (independent chains of adds), then the rest one at a time
    (local.set $kvb4 (i32.shl (local.get $kvb) (i32.const 2)))
    (local.set $i (i32.const 0))
    (loop $outs
      (local.set $acc (v128.const i32x4 0 0 0 0))
      (local.set $acc1 (v128.const i32x4 0 0 0 0))
      (local.set $acc2 (v128.const i32x4 0 0 0 0))
      (local.set $acc3 (v128.const i32x4 0 0 0 0))
      (local.set $t (local.get $att))
      (local.set $vt (i32.add (local.get $v) (local.get $i)))
      (block $rest
        (loop $positions4
          (br_if $rest (i32.gt_u (i32.add (local.get $t) (i32.const 16)) (local.get $attEnd)))
          (local.set $k1 (i32.add (local.get $vt) (local.get $kvb)))
          (local.set $k2 (i32.add (local.get $k1) (local.get $kvb)))
          (local.set $k3 (i32.add (local.get $k2) (local.get $kvb)))
          (local.set $acc (f32x4.add (local.get $acc)
            (f32x4.mul (v128.load32_splat (local.get $t)) (v128.load (local.get $vt)))))
          (local.set $acc1 (f32x4.add (local.get $acc1)
            (f32x4.mul (v128.load32_splat offset=4 (local.get $t)) (v128.load (local.get $k1)))))
          (local.set $acc2 (f32x4.add (local.get $acc2)
            (f32x4.mul (v128.load32_splat offset=8 (local.get $t)) (v128.load (local.get $k2)))))
          (local.set $acc3 (f32x4.add (local.get $acc3)
            (f32x4.mul (v128.load32_splat offset=12 (local.get $t)) (v128.load (local.get $k3)))))
          (local.set $vt (i32.add (local.get $vt) (local.get $kvb4)))
          (local.set $t (i32.add (local.get $t) (i32.const 16)))
          (br $positions4)))
      (block $summed
        (loop $positions
          (br_if $summed (i32.ge_u (local.get $t) (local.get $attEnd)))
          (local.set $acc (f32x4.add (local.get $acc)
            (f32x4.mul (v128.load32_splat (local.get $t)) (v128.load (local.get $vt)))))
          (local.set $vt (i32.add (local.get $vt) (local.get $kvb)))
          (local.set $t (i32.add (local.get $t) (i32.const 4)))
          (br $positions)))
      (v128.store (i32.add (local.get $out) (local.get $i))
        (f32x4.div
          (f32x4.add (f32x4.add (local.get $acc) (local.get $acc1)) (f32x4.add (local.get $acc2) (local.get $acc3)))
          (local.get $sum)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $outs (i32.lt_u (local.get $i) (local.get $hb)))))

  ;; h = SiLU(h) ⊙ h2, SiLU(a) = a / (1 + e^−a), n (a multiple of 4) floats
  (func $swiglu (param $h i32) (param $h2 i32) (param $n i32)
    (local $i i32) (local $nb i32) (local $a v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (loop $each
      (local.set $a (v128.load (i32.add (local.get $h) (local.get $i))))
      (v128.store (i32.add (local.get $h) (local.get $i))
        (f32x4.mul
          (f32x4.div (local.get $a)
            (f32x4.add (v128.const f32x4 1 1 1 1) (call $exp (f32x4.neg (local.get $a)))))
          (v128.load (i32.add (local.get $h2) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $each (i32.lt_u (local.get $i) (local.get $nb)))))

  ;; Feeds `token` at position `pos` to the sequence whose state block is at `s`; its logits pointer
  ;; then holds the next token's logits. The caller checks token < vocab and pos < seqLen.
  ;; The model at address 0, i32 fields: dim, hidden, layers, heads, kvHeads, vocab, seqLen,
  ;; headSize, then the addresses of tokenEmbedding, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3,
  ;; rmsFinal, wcls, the RoPE cos and sin tables ((seqLen, headSize) each).
  (func (export "forward") (param $s i32) (param $token i32) (param $pos i32)
    (local $dim i32) (local $hidden i32) (local $layers i32) (local $heads i32) (local $kvDim i32)
    (local $vocab i32) (local $seqLen i32) (local $hs i32) (local $kvMul i32)
    (local $x i32) (local $xb i32) (local $xb2 i32) (local $hb i32) (local $hb2 i32) (local $q i32)
    (local $att i32) (local $logits i32) (local $kc i32) (local $vc i32)
    (local $l i32) (local $h i32) (local $dimB i32) (local $kvB i32) (local $layerKv i32)
    (local $kAt i32) (local $vAt i32) (local $cos i32) (local $sin i32) (local $scale f32)
    (local $dd i32) (local $kd i32) (local $hd i32)
    (local.set $dim (i32.load offset=0 (i32.const 0)))
    (local.set $hidden (i32.load offset=4 (i32.const 0)))
    (local.set $layers (i32.load offset=8 (i32.const 0)))
    (local.set $heads (i32.load offset=12 (i32.const 0)))
    (local.set $vocab (i32.load offset=20 (i32.const 0)))
    (local.set $seqLen (i32.load offset=24 (i32.const 0)))
    (local.set $hs (i32.load offset=28 (i32.const 0)))
    (local.set $kvDim (i32.mul (i32.load offset=16 (i32.const 0)) (local.get $hs)))
    (local.set $kvMul (i32.div_u (local.get $heads) (i32.load offset=16 (i32.const 0))))
    (local.set $x (i32.load offset=0 (local.get $s)))
    (local.set $xb (i32.load offset=4 (local.get $s)))
    (local.set $xb2 (i32.load offset=8 (local.get $s)))
    (local.set $hb (i32.load offset=12 (local.get $s)))
    (local.set $hb2 (i32.load offset=16 (local.get $s)))
    (local.set $q (i32.load offset=20 (local.get $s)))
    (local.set $att (i32.load offset=24 (local.get $s)))
    (local.set $logits (i32.load offset=28 (local.get $s)))
    (local.set $kc (i32.load offset=32 (local.get $s)))
    (local.set $vc (i32.load offset=36 (local.get $s)))
    (local.set $dimB (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $kvB (i32.shl (local.get $kvDim) (i32.const 2)))
    ;; bytes of one layer's (dim × dim), (kvDim × dim), (hidden × dim) matrix
    (local.set $dd (i32.mul (local.get $dimB) (local.get $dim)))
    (local.set $kd (i32.mul (local.get $kvB) (local.get $dim)))
    (local.set $hd (i32.mul (i32.shl (local.get $hidden) (i32.const 2)) (local.get $dim)))
    ;; bytes of one layer's cache
    (local.set $layerKv (i32.mul (local.get $kvB) (local.get $seqLen)))
    (local.set $cos (i32.add (i32.load offset=80 (i32.const 0))
      (i32.mul (local.get $pos) (i32.shl (local.get $hs) (i32.const 2)))))
    (local.set $sin (i32.add (i32.load offset=84 (i32.const 0))
      (i32.mul (local.get $pos) (i32.shl (local.get $hs) (i32.const 2)))))
    (local.set $scale (f32.div (f32.const 1) (f32.sqrt (f32.convert_i32_u (local.get $hs)))))
    ;; x = E[token]
    (memory.copy (local.get $x)
      (i32.add (i32.load offset=32 (i32.const 0)) (i32.mul (local.get $token) (local.get $dimB)))
      (local.get $dimB))
    (loop $layer
      ;; ── attention ──
      (call $rmsnorm (local.get $xb) (local.get $x)
        (i32.add (i32.load offset=36 (i32.const 0)) (i32.mul (local.get $l) (local.get $dimB))) (local.get $dim))
      (local.set $kAt (i32.add (local.get $kc)
        (i32.add (i32.mul (local.get $l) (local.get $layerKv)) (i32.mul (local.get $pos) (local.get $kvB)))))
      (local.set $vAt (i32.add (local.get $vc)
        (i32.add (i32.mul (local.get $l) (local.get $layerKv)) (i32.mul (local.get $pos) (local.get $kvB)))))
      (call $matvec (local.get $q)
        (i32.add (i32.load offset=40 (i32.const 0)) (i32.mul (local.get $l) (local.get $dd)))
        (local.get $xb) (local.get $dim) (local.get $dim))
      (call $matvec (local.get $kAt)
        (i32.add (i32.load offset=44 (i32.const 0)) (i32.mul (local.get $l) (local.get $kd)))
        (local.get $xb) (local.get $kvDim) (local.get $dim))
      (call $matvec (local.get $vAt)
        (i32.add (i32.load offset=48 (i32.const 0)) (i32.mul (local.get $l) (local.get $kd)))
        (local.get $xb) (local.get $kvDim) (local.get $dim))
      (call $rope (local.get $q) (local.get $dim) (local.get $cos) (local.get $sin) (local.get $hs))
      (call $rope (local.get $kAt) (local.get $kvDim) (local.get $cos) (local.get $sin) (local.get $hs))
      (local.set $h (i32.const 0))
      (loop $head
        (call $attendHead
          (i32.add (local.get $q) (i32.mul (local.get $h) (i32.shl (local.get $hs) (i32.const 2))))
          (i32.add (i32.add (local.get $kc) (i32.mul (local.get $l) (local.get $layerKv)))
            (i32.mul (i32.div_u (local.get $h) (local.get $kvMul)) (i32.shl (local.get $hs) (i32.const 2))))
          (i32.add (i32.add (local.get $vc) (i32.mul (local.get $l) (local.get $layerKv)))
            (i32.mul (i32.div_u (local.get $h) (local.get $kvMul)) (i32.shl (local.get $hs) (i32.const 2))))
          (local.get $kvB) (local.get $pos) (local.get $hs) (local.get $scale) (local.get $att)
          (i32.add (local.get $xb) (i32.mul (local.get $h) (i32.shl (local.get $hs) (i32.const 2)))))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br_if $head (i32.lt_u (local.get $h) (local.get $heads))))
      ;; x += Wo · concat(heads)
      (call $matvec (local.get $xb2)
        (i32.add (i32.load offset=52 (i32.const 0)) (i32.mul (local.get $l) (local.get $dd)))
        (local.get $xb) (local.get $dim) (local.get $dim))
      (call $addTo (local.get $x) (local.get $xb2) (local.get $dim))
      ;; ── feed-forward: x += W2 · (SiLU(W1·xb) ⊙ W3·xb) ──
      (call $rmsnorm (local.get $xb) (local.get $x)
        (i32.add (i32.load offset=56 (i32.const 0)) (i32.mul (local.get $l) (local.get $dimB))) (local.get $dim))
      (call $matvec (local.get $hb)
        (i32.add (i32.load offset=60 (i32.const 0)) (i32.mul (local.get $l) (local.get $hd)))
        (local.get $xb) (local.get $hidden) (local.get $dim))
      (call $matvec (local.get $hb2)
        (i32.add (i32.load offset=68 (i32.const 0)) (i32.mul (local.get $l) (local.get $hd)))
        (local.get $xb) (local.get $hidden) (local.get $dim))
      (call $swiglu (local.get $hb) (local.get $hb2) (local.get $hidden))
      (call $matvec (local.get $xb)
        (i32.add (i32.load offset=64 (i32.const 0)) (i32.mul (local.get $l) (local.get $hd)))
        (local.get $hb) (local.get $dim) (local.get $hidden))
      (call $addTo (local.get $x) (local.get $xb) (local.get $dim))
      (local.set $l (i32.add (local.get $l) (i32.const 1)))
      (br_if $layer (i32.lt_u (local.get $l) (local.get $layers))))
    ;; logits = Wcls · (RMSNorm(x) ⊙ g_final)
    (call $rmsnorm (local.get $xb) (local.get $x) (i32.load offset=72 (i32.const 0)) (local.get $dim))
    (call $matvec (local.get $logits) (i32.load offset=76 (i32.const 0)) (local.get $xb)
      (local.get $vocab) (local.get $dim)))
  ;; ── GPT (GPT-2's architecture: pre-LayerNorm blocks, learned positions, GELU feed-forward, biases) ──

  ;; out = (x − mean) / √(var + eps) ⊙ g + b, n (a multiple of 4) floats; mean and variance summed in
  ;; four lanes, the variance from x − mean (two passes, as the reference)
  (func $layernorm (param $out i32) (param $x i32) (param $g i32) (param $b i32) (param $n i32) (param $eps f32)
    (local $i i32) (local $nb i32) (local $v v128) (local $sum v128) (local $mean v128) (local $scale v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (loop $sum
      (local.set $sum (f32x4.add (local.get $sum) (v128.load (i32.add (local.get $x) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $sum (i32.lt_u (local.get $i) (local.get $nb))))
    (local.set $mean
      (f32x4.splat
        (f32.div
          (f32x4.extract_lane 0 (call $hsum4 (local.get $sum) (local.get $sum) (local.get $sum) (local.get $sum)))
          (f32.convert_i32_u (local.get $n)))))
    (local.set $sum (v128.const i32x4 0 0 0 0))
    (local.set $i (i32.const 0))
    (loop $squares
      (local.set $v (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $i))) (local.get $mean)))
      (local.set $sum (f32x4.add (local.get $sum) (f32x4.mul (local.get $v) (local.get $v))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $squares (i32.lt_u (local.get $i) (local.get $nb))))
    (local.set $scale
      (f32x4.splat
        (f32.div (f32.const 1)
          (f32.sqrt
            (f32.add
              (f32.div
                (f32x4.extract_lane 0 (call $hsum4 (local.get $sum) (local.get $sum) (local.get $sum) (local.get $sum)))
                (f32.convert_i32_u (local.get $n)))
              (local.get $eps))))))
    (local.set $i (i32.const 0))
    (loop $scale
      (v128.store (i32.add (local.get $out) (local.get $i))
        (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $g) (local.get $i)))
            (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $i))) (local.get $mean))
              (local.get $scale)))
          (v128.load (i32.add (local.get $b) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $scale (i32.lt_u (local.get $i) (local.get $nb)))))

  ;; h = ½h(1 + tanh(√(2/π)(h + 0.044715h³))) (GELU, tanh form), n (a multiple of 4) floats
  (func $gelu (param $h i32) (param $n i32)
    (local $i i32) (local $nb i32) (local $v v128)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (loop $each
      (local.set $v (v128.load (i32.add (local.get $h) (local.get $i))))
      (v128.store (i32.add (local.get $h) (local.get $i))
        (f32x4.mul (f32x4.mul (local.get $v) (v128.const f32x4 0.5 0.5 0.5 0.5))
          (f32x4.add (v128.const f32x4 1 1 1 1) (call $geluTanh (local.get $v)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $each (i32.lt_u (local.get $i) (local.get $nb)))))

  ;; out = W · x + b: $matvec, then the bias (rows a multiple of 4)
  (func $affine (param $out i32) (param $w i32) (param $b i32) (param $x i32) (param $rows i32) (param $cols i32)
    (call $matvec (local.get $out) (local.get $w) (local.get $x) (local.get $rows) (local.get $cols))
    (call $addTo (local.get $out) (local.get $b) (local.get $rows)))

  ;; GPT's per-token forward pass, as $forward's: `token` at `pos` into the sequence at `s` (the same
  ;; state block: x, xb, xb2, hb, hb2 (unused), q, att, logits, key cache, value cache).
  ;; The model at address 0, i32 fields: dim, hidden, layers, heads, vocab, seqLen, headSize, then
  ;; eps (f32), then the addresses of tokenEmbedding, positionEmbedding, and per layer (stacked over
  ;; the layers) ln1 g, ln1 b, wq, bq, wk, bk, wv, bv, wo, bo, ln2 g, ln2 b, w1, b1, w2, b2, then
  ;; lnF g, lnF b, the output matrix (vocab × dim; the token embedding when tied). Matrices [out, in];
  ;; absent biases are zeros.
  ;;   per block: xb = LN₁(x); q, k, v = Wq xb + bq, …; xb = attention; x += Wo xb + bo;
  ;;              xb = LN₂(x); hb = GELU(W1 xb + b1); x += W2 hb + b2
  (func (export "forward_gpt") (param $s i32) (param $token i32) (param $pos i32)
    (local $dim i32) (local $hidden i32) (local $layers i32) (local $heads i32) (local $vocab i32)
    (local $seqLen i32) (local $hs i32) (local $eps f32)
    (local $x i32) (local $xb i32) (local $xb2 i32) (local $hb i32) (local $q i32)
    (local $att i32) (local $logits i32) (local $kc i32) (local $vc i32)
    (local $l i32) (local $h i32) (local $dimB i32) (local $hidB i32) (local $layerKv i32)
    (local $kAt i32) (local $vAt i32) (local $scale f32) (local $dd i32) (local $hd i32)
    (local $hsB i32) (local $i i32) (local $e i32) (local $p i32)
    (local.set $dim (i32.load offset=0 (i32.const 0)))
    (local.set $hidden (i32.load offset=4 (i32.const 0)))
    (local.set $layers (i32.load offset=8 (i32.const 0)))
    (local.set $heads (i32.load offset=12 (i32.const 0)))
    (local.set $vocab (i32.load offset=16 (i32.const 0)))
    (local.set $seqLen (i32.load offset=20 (i32.const 0)))
    (local.set $hs (i32.load offset=24 (i32.const 0)))
    (local.set $eps (f32.load offset=28 (i32.const 0)))
    (local.set $x (i32.load offset=0 (local.get $s)))
    (local.set $xb (i32.load offset=4 (local.get $s)))
    (local.set $xb2 (i32.load offset=8 (local.get $s)))
    (local.set $hb (i32.load offset=12 (local.get $s)))
    (local.set $q (i32.load offset=20 (local.get $s)))
    (local.set $att (i32.load offset=24 (local.get $s)))
    (local.set $logits (i32.load offset=28 (local.get $s)))
    (local.set $kc (i32.load offset=32 (local.get $s)))
    (local.set $vc (i32.load offset=36 (local.get $s)))
    (local.set $dimB (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $hidB (i32.shl (local.get $hidden) (i32.const 2)))
    (local.set $hsB (i32.shl (local.get $hs) (i32.const 2)))
    ;; bytes of one layer's (dim × dim) and (hidden × dim) matrix, and of its cache
    (local.set $dd (i32.mul (local.get $dimB) (local.get $dim)))
    (local.set $hd (i32.mul (local.get $hidB) (local.get $dim)))
    (local.set $layerKv (i32.mul (local.get $dimB) (local.get $seqLen)))
    (local.set $scale (f32.div (f32.const 1) (f32.sqrt (f32.convert_i32_u (local.get $hs)))))
    ;; x = E[token] + P[pos]
    (local.set $e (i32.add (i32.load offset=32 (i32.const 0)) (i32.mul (local.get $token) (local.get $dimB))))
    (local.set $p (i32.add (i32.load offset=36 (i32.const 0)) (i32.mul (local.get $pos) (local.get $dimB))))
    (loop $embed
      (v128.store (i32.add (local.get $x) (local.get $i))
        (f32x4.add (v128.load (i32.add (local.get $e) (local.get $i)))
          (v128.load (i32.add (local.get $p) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $embed (i32.lt_u (local.get $i) (local.get $dimB))))
    (loop $layer
      ;; ── attention ──
      (call $layernorm (local.get $xb) (local.get $x)
        (i32.add (i32.load offset=40 (i32.const 0)) (i32.mul (local.get $l) (local.get $dimB)))
        (i32.add (i32.load offset=44 (i32.const 0)) (i32.mul (local.get $l) (local.get $dimB)))
        (local.get $dim) (local.get $eps))
      (local.set $kAt (i32.add (local.get $kc)
        (i32.add (i32.mul (local.get $l) (local.get $layerKv)) (i32.mul (local.get $pos) (local.get $dimB)))))
      (local.set $vAt (i32.add (local.get $vc)
        (i32.add (i32.mul (local.get $l) (local.get $layerKv)) (i32.mul (local.get $pos) (local.get $dimB)))))
      (call $affine (local.get $q)
        (i32.add (i32.load offset=48 (i32.const 0)) (i32.mul (local.get $l) (local.get $dd)))
        (i32.add (i32.load offset=52 (i32.const 0)) (i32.mul (local.get $l) (local.get $dimB)))
        (local.get $xb) (local.get $dim) (local.get $dim))
      (call $affine (local.get $kAt)
        (i32.add (i32.load offset=56 (i32.const 0)) (i32.mul (local.get $l) (local.get $dd)))
        (i32.add (i32.load offset=60 (i32.const 0)) (i32.mul (local.get $l) (local.get $dimB)))
        (local.get $xb) (local.get $dim) (local.get $dim))
      (call $affine (local.get $vAt)
        (i32.add (i32.load offset=64 (i32.const 0)) (i32.mul (local.get $l) (local.get $dd)))
        (i32.add (i32.load offset=68 (i32.const 0)) (i32.mul (local.get $l) (local.get $dimB)))
        (local.get $xb) (local.get $dim) (local.get $dim))
      (local.set $h (i32.const 0))
      (loop $head
        (call $attendHead
          (i32.add (local.get $q) (i32.mul (local.get $h) (local.get $hsB)))
          (i32.add (i32.add (local.get $kc) (i32.mul (local.get $l) (local.get $layerKv)))
            (i32.mul (local.get $h) (local.get $hsB)))
          (i32.add (i32.add (local.get $vc) (i32.mul (local.get $l) (local.get $layerKv)))
            (i32.mul (local.get $h) (local.get $hsB)))
          (local.get $dimB) (local.get $pos) (local.get $hs) (local.get $scale) (local.get $att)
          (i32.add (local.get $xb) (i32.mul (local.get $h) (local.get $hsB))))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br_if $head (i32.lt_u (local.get $h) (local.get $heads))))
      ;; x += Wo · concat(heads) + bo
      (call $affine (local.get $xb2)
        (i32.add (i32.load offset=72 (i32.const 0)) (i32.mul (local.get $l) (local.get $dd)))
        (i32.add (i32.load offset=76 (i32.const 0)) (i32.mul (local.get $l) (local.get $dimB)))
        (local.get $xb) (local.get $dim) (local.get $dim))
      (call $addTo (local.get $x) (local.get $xb2) (local.get $dim))
      ;; ── feed-forward: x += W2 · GELU(W1 · LN₂(x) + b1) + b2 ──
      (call $layernorm (local.get $xb) (local.get $x)
        (i32.add (i32.load offset=80 (i32.const 0)) (i32.mul (local.get $l) (local.get $dimB)))
        (i32.add (i32.load offset=84 (i32.const 0)) (i32.mul (local.get $l) (local.get $dimB)))
        (local.get $dim) (local.get $eps))
      (call $affine (local.get $hb)
        (i32.add (i32.load offset=88 (i32.const 0)) (i32.mul (local.get $l) (local.get $hd)))
        (i32.add (i32.load offset=92 (i32.const 0)) (i32.mul (local.get $l) (local.get $hidB)))
        (local.get $xb) (local.get $hidden) (local.get $dim))
      (call $gelu (local.get $hb) (local.get $hidden))
      (call $affine (local.get $xb)
        (i32.add (i32.load offset=96 (i32.const 0)) (i32.mul (local.get $l) (local.get $hd)))
        (i32.add (i32.load offset=100 (i32.const 0)) (i32.mul (local.get $l) (local.get $dimB)))
        (local.get $hb) (local.get $dim) (local.get $hidden))
      (call $addTo (local.get $x) (local.get $xb) (local.get $dim))
      (local.set $l (i32.add (local.get $l) (i32.const 1)))
      (br_if $layer (i32.lt_u (local.get $l) (local.get $layers))))
    ;; logits = Wout · LN_f(x)
    (call $layernorm (local.get $xb) (local.get $x) (i32.load offset=104 (i32.const 0))
      (i32.load offset=108 (i32.const 0)) (local.get $dim) (local.get $eps))
    (call $matvec (local.get $logits) (i32.load offset=112 (i32.const 0)) (local.get $xb)
      (local.get $vocab) (local.get $dim))))
