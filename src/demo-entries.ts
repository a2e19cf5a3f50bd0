/**
 * The demo blog's updates, in the order they are replayed. Written for this demo from the facts of the
 * RFE/RL report "Kerry, Lavrov Begin Crisis Talks" (14 March 2014) — see /work/shared/seed — not
 * copied from it.
 */
export interface DemoEntry {
  headline?: string;
  body: string;
  keyEvent?: boolean;
  pinned?: boolean;
}

/**
 * The demo's photo: a picture generated for this repository (no people's likenesses, free to use), kept
 * in assets/demo/. demo.ts uploads it through POST /api/media and puts its Markdown where an entry's
 * body says DEMO_PHOTO_SLOT.
 */
export const DEMO_PHOTO = {
  file: 'assets/demo/kerry-lavrov.jpg',
  alt: 'Illustration: two diplomats face each other across a table, a Russian and a U.S. flag behind them',
  caption: 'Kerry and Lavrov are meeting in London',
  credit: 'Illustration: liveblog demo',
} as const;
export const DEMO_PHOTO_SLOT = '{{photo}}';

/** The demo's video: a placeholder id on YouTube; the page never contacts YouTube unless a reader clicks. */
export const DEMO_VIDEO_URL = 'https://www.youtube.com/watch?v=LiveBlogDmo';

export const DEMO_BLOG = {
  id: 'crisis-in-ukraine',
  title: 'Live Blog: Crisis In Ukraine',
  description:
    'Diplomacy in London, unrest in eastern Ukraine and the run-up to Sunday’s vote in Crimea, as it happens.',
} as const;

export const DEMO_ENTRIES: DemoEntry[] = [
  {
    headline: 'Good morning',
    body: 'We are following the diplomatic push over **Ukraine** through the day. The top U.S. and Russian diplomats are due to sit down together in London, two days before Crimea votes on joining Russia.',
  },
  {
    headline: 'Kerry and Lavrov open talks in London',
    body: `U.S. Secretary of State **John Kerry** and Russian Foreign Minister **Sergei Lavrov** have started their meeting on the crisis in London.\n\n${DEMO_PHOTO_SLOT}`,
    keyEvent: true,
  },
  {
    body: 'Before going in, Kerry said the two men had plenty to discuss and that he hoped to explore ways of narrowing the gap between Washington and Moscow.\n\nHe has warned in recent days that the West would respond with *very serious steps* if Russia moves to annex Crimea.',
  },
  {
    headline: 'Sanctions on the table',
    body: 'Kerry is expected to make clear to his counterpart that Moscow faces coordinated international sanctions over the **16 March** referendum on Crimea becoming part of Russia.',
    keyEvent: true,
  },
  {
    body: 'Lavrov told reporters he too welcomed the meeting, but said the situation was hard and that a great deal of time had already been lost — the question now was what could still be done.',
  },
  {
    headline: 'Hague: talks will be hard',
    body: 'British Foreign Secretary **William Hague**, who saw Kerry earlier in the day, set expectations low:\n\n> a formidably difficult task',
  },
  {
    headline: 'One dead after clashes in Donetsk',
    body: 'In eastern Ukraine, a 22-year-old man was stabbed to death in **Donetsk** on 13 March when supporters of closer ties with Russia attacked a pro-European demonstration.\n\nThe organisers of the pro-EU rally say the man who died was one of theirs.',
    keyEvent: true,
  },
  {
    body: `[WATCH: Rival Protesters Clash In Donetsk](${DEMO_VIDEO_URL})\n\nVideo, 2:25.`,
  },
  {
    headline: 'Moscow says Kyiv is losing control',
    body: 'Russia’s Foreign Ministry says the overnight violence in the east shows the authorities in Kyiv are no longer in control, and that Russia keeps the right to take its citizens and compatriots in Ukraine under its protection.',
    keyEvent: true,
  },
  {
    headline: 'UN sends human rights monitors',
    body: 'The United Nations says it is deploying **human rights monitors** across Ukraine, Crimea included, to establish what has actually happened behind the competing claims of abuses.',
    keyEvent: true,
  },
  {
    body: 'Assistant Secretary-General for Human Rights **Ivan Simonovic** said the monitors were needed because so many rival accounts of events since November were circulating.\n\nEarlier this week he could not get into Crimea: the local authorities said they would neither receive his mission nor guarantee its safety.',
  },
  {
    headline: 'Russia asks the OSCE to watch the Crimea vote',
    body: 'Moscow has called on the **OSCE** to send observers to Sunday’s referendum in Crimea, which Russian forces occupy, and accused the organisation of double standards.\n\nThe OSCE chairman, **Didier Burkhalter**, has said the vote as currently organised must be considered illegal.',
    keyEvent: true,
  },
  {
    body: 'At the United Nations, Russian Ambassador **Vitaly Churkin** said on Thursday that his country did not want a war in Ukraine — while backing Crimea’s right to decide its own future.',
  },
  {
    headline: 'Military exercises near the border',
    body: 'Churkin spoke after Russia launched new military exercises close to the Ukrainian border, involving some **8,500 troops**.',
    keyEvent: true,
  },
  {
    headline: 'U.S. jets arrive in Poland',
    body: 'In a show of support for NATO’s eastern members, U.S. **F-16** fighter jets landed in Poland on Thursday.',
  },
  {
    headline: 'What we know so far',
    body: '- Kerry and Lavrov are meeting in London; the West is threatening sanctions over Crimea\n- One man was killed in clashes in Donetsk; Moscow says it may protect Russians in Ukraine\n- UN human rights monitors are heading to Ukraine\n- Crimea votes on joining Russia on Sunday; the OSCE chairman calls the vote illegal\n\nBased on reporting by AP, Reuters and dpa.',
    pinned: true,
  },
];
