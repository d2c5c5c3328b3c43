// Example prompts, in the words our models learned from their captions (shapes, colours,
// motions, backgrounds, styles): a click fills the prompt box. zoetrope-s gets a prompt's
// background and style right far more often than its objects (MODEL_CARD.md: the judge found day
// and night skies, grass, sea and sunsets; striped and checkered backgrounds came out plain), so
// the examples lead with scenes it paints.
export const EXAMPLE_PROMPTS: readonly string[] = [
  'a red ball bounces on a sunset sky',
  'under a starry night sky, a golden bird rises',
  'a blue fish swims over the sea, pastel colours',
  'on the grass, a yellow star spins slowly',
  'in the daytime sky, a pink bird glides to the right',
];
