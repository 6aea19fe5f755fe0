// « Actualités » of « Accueil connecté »: the portal's news, shipped with the frontend (newest first). Each item:
// date (ISO day), title and text in French and English, and an optional link (an absolute https address).
export const NEWS = [
  {
    date: '2026-11-20',
    title: { fr: 'Nouveau : le fil d\'événements', en: 'New: the event feed' },
    text: {
      fr: 'Retrouvez sur votre accueil les demandes, décisions et changements qui vous concernent, et dans « Mes demandes » l\'historique de vos demandes.',
      en: 'Your home page now lists the requests, decisions and changes that concern you, and « My requests » the history of your requests.',
    },
  },
  {
    date: '2026-10-01',
    title: { fr: 'Facturation électronique : le calendrier', en: 'E-invoicing: the timetable' },
    text: {
      fr: 'La généralisation de la facturation électronique entre entreprises commence en septembre 2026.',
      en: 'E-invoicing between businesses becomes general from September 2026.',
    },
    link: 'https://www.impots.gouv.fr/professionnel/facturation-electronique',
  },
];
