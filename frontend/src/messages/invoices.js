// Rejected invoices to attest (issue 12): the notice every page shows through layout.js, in French and English.

export const FR = {
  'rejections.title': 'Facture rejetée : attestation requise',
  'rejections.title_many': 'Factures rejetées : attestation requise',
  'rejections.blocking_title': 'Attestation obligatoire avant de continuer',
  'rejections.intro': 'Une facture que vous suivez a été rejetée. Attestez avoir pris connaissance du rejet avant la date indiquée.',
  'rejections.blocking_intro': "Le délai de 7 jours est dépassé : le portail n'affichera rien d'autre tant que vous n'aurez pas attesté avoir pris connaissance du rejet.",
  'rejections.item': 'Facture {number} de {amount} € ({service}), rejetée le {date}.',
  'rejections.whole_structure': 'toute la structure',
  'rejections.reason': 'Motif du rejet : {reason}',
  'rejections.deadline': 'À attester avant le {date}.',
  'rejections.attest': "J'atteste avoir pris connaissance du rejet",
  'rejections.attested': 'Votre attestation pour la facture {number} est enregistrée.',

  'title.extension': 'Prolonger un rattachement - Chorus Pro',
  'extension.h1': 'Prolonger un rattachement',
  'extension.loading': 'Chargement du rattachement…',
  'extension.summary': 'Le rattachement de {person} à {structure} prend fin le {date}.',
  'extension.valid_until': 'Nouvelle date de fin de validité',
  'extension.submit': 'Prolonger',
  'extension.done': 'Rattachement prolongé jusqu\'au {date}.',
};

export const EN = {
  'rejections.title': 'Rejected invoice: confirmation required',
  'rejections.title_many': 'Rejected invoices: confirmation required',
  'rejections.blocking_title': 'Confirmation required before you go on',
  'rejections.intro': 'An invoice you follow was rejected. Please confirm you have read the rejection before the date shown.',
  'rejections.blocking_intro': 'The 7-day period is over: the portal shows nothing else until you confirm you have read the rejection.',
  'rejections.item': 'Invoice {number} of €{amount} ({service}), rejected on {date}.',
  'rejections.whole_structure': 'whole structure',
  'rejections.reason': 'Reason: {reason}',
  'rejections.deadline': 'To confirm before {date}.',
  'rejections.attest': 'I confirm I have read the rejection',
  'rejections.attested': 'Your confirmation for invoice {number} is saved.',

  'title.extension': 'Extend a membership - Chorus Pro',
  'extension.h1': 'Extend a membership',
  'extension.loading': 'Loading the membership…',
  'extension.summary': "{person}'s membership of {structure} ends on {date}.",
  'extension.valid_until': 'New end of validity',
  'extension.submit': 'Extend',
  'extension.done': 'Membership extended until {date}.',
};
