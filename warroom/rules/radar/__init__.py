"""Hot-product radar (爆款雷达, 三率两周期) rules: the product's rates and cycles, and its tag."""
