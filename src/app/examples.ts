// Example prompts, in the words our models learned from their captions (shapes, colours,
// motions, backgrounds): a click fills the prompt box.
export const EXAMPLE_PROMPTS: readonly string[] = [
  'a red ball bounces on a sunset sky',
  'a small blue square slides left across a dark background',
  'a yellow star spinning slowly in the center',
  'a green triangle falls down and a pink circle rises',
  'a large purple ring grows on a white background',
];
