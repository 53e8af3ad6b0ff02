/** Departments of the demo store with a typical price (minor units) and words to name their products. */
export const departments = [
  { name: 'Audio', base: 7_900, nouns: ['Headphones', 'Earbuds', 'Speaker', 'Soundbar', 'Turntable', 'Amplifier'] },
  { name: 'Computers', base: 64_900, nouns: ['Laptop', 'Monitor', 'Keyboard', 'Mouse', 'Dock', 'Webcam'] },
  { name: 'Phones', base: 39_900, nouns: ['Phone', 'Case', 'Charger', 'Cable', 'Screen Guard', 'Power Bank'] },
  { name: 'Kitchen', base: 4_900, nouns: ['Kettle', 'Knife Set', 'Pan', 'Blender', 'Toaster', 'Coffee Grinder'] },
  { name: 'Home', base: 3_900, nouns: ['Lamp', 'Cushion', 'Throw', 'Vase', 'Mirror', 'Clock'] },
  { name: 'Garden', base: 2_900, nouns: ['Planter', 'Hose', 'Trowel', 'Shears', 'Seed Kit', 'Lantern'] },
  { name: 'Outdoor', base: 8_900, nouns: ['Tent', 'Backpack', 'Sleeping Bag', 'Headlamp', 'Stove', 'Water Filter'] },
  { name: 'Fitness', base: 3_500, nouns: ['Yoga Mat', 'Dumbbell', 'Kettlebell', 'Jump Rope', 'Foam Roller', 'Resistance Band'] },
  { name: 'Books', base: 1_800, nouns: ['Novel', 'Cookbook', 'Atlas', 'Field Guide', 'Anthology', 'Journal'] },
  { name: 'Toys', base: 2_400, nouns: ['Puzzle', 'Building Set', 'Plush', 'Board Game', 'Kite', 'Train Set'] },
  { name: 'Beauty', base: 2_200, nouns: ['Serum', 'Cleanser', 'Moisturiser', 'Lip Balm', 'Face Mask', 'Hair Oil'] },
  { name: 'Fashion', base: 4_500, nouns: ['Jacket', 'Scarf', 'Beanie', 'Belt', 'Tote', 'Sneakers'] },
  { name: 'Watches', base: 12_900, nouns: ['Watch', 'Strap', 'Smartwatch', 'Watch Winder', 'Pocket Watch', 'Dive Watch'] },
  { name: 'Pets', base: 1_900, nouns: ['Dog Bed', 'Cat Tree', 'Leash', 'Bowl', 'Chew Toy', 'Grooming Kit'] },
  { name: 'Office', base: 1_500, nouns: ['Notebook', 'Pen Set', 'Desk Organiser', 'Stapler', 'Planner', 'Desk Mat'] },
  { name: 'Gaming', base: 5_900, nouns: ['Controller', 'Headset', 'Gaming Mouse', 'Mouse Pad', 'Capture Card', 'Chair'] },
  { name: 'Photography', base: 29_900, nouns: ['Camera', 'Lens', 'Tripod', 'Camera Bag', 'Flash', 'Memory Card'] },
  { name: 'Baby', base: 2_900, nouns: ['Stroller Fan', 'Bottle Set', 'Bib Pack', 'Play Mat', 'Baby Monitor', 'Carrier'] },
  { name: 'Grocery', base: 900, nouns: ['Coffee Beans', 'Tea Tin', 'Olive Oil', 'Chocolate Bar', 'Honey Jar', 'Granola'] },
  { name: 'Automotive', base: 3_900, nouns: ['Dash Cam', 'Car Charger', 'Tyre Inflator', 'Seat Organiser', 'Wax Kit', 'Jump Starter'] },
] as const;

export const adjectives = [
  'Classic', 'Compact', 'Deluxe', 'Eco', 'Essential', 'Everyday', 'Heritage', 'Lite', 'Max', 'Nordic',
  'Pro', 'Pure', 'Quiet', 'Rapid', 'Signature', 'Smart', 'Studio', 'Trail', 'Ultra', 'Urban',
] as const;

export const firstNames = [
  'Ada', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kira', 'Liam', 'Maya', 'Noah',
  'Olga', 'Priya', 'Quinn', 'Rosa', 'Sami', 'Tara', 'Uma', 'Victor', 'Wen', 'Xavi', 'Yara', 'Zoe',
] as const;

export const lastNames = [
  'Abara', 'Berg', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Haddad', 'Ito', 'Jensen', 'Kowalski',
  'Lopez', 'Moreau', 'Nakamura', 'Okafor', 'Petrov', 'Quispe', 'Rossi', 'Singh', 'Tanaka', 'Usman', 'Varga',
] as const;
